/**
 * The meaning of common `+CMS ERROR` codes: 0 to 127 are the network's RP causes (3GPP TS
 * 24.011 §8.2.5.4), 300 and up the modem's own (TS 27.005 §3.2.5).
 */
const MEANINGS: Readonly<Record<number, string>> = {
  1: 'unassigned number',
  8: 'operator determined barring',
  10: 'call barred',
  21: 'short message transfer rejected',
  27: 'destination out of service',
  28: 'unidentified subscriber',
  29: 'facility rejected',
  30: 'unknown subscriber',
  38: 'network out of order',
  41: 'temporary failure',
  42: 'congestion',
  47: 'resources unavailable',
  50: 'requested facility not subscribed',
  96: 'invalid mandatory information',
  300: 'ME failure',
  301: 'SMS service of ME reserved',
  302: 'operation not allowed',
  303: 'operation not supported',
  304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter',
  310: 'SIM not inserted',
  311: 'SIM PIN required',
  313: 'SIM failure',
  314: 'SIM busy',
  316: 'SIM PUK required',
  320: 'memory failure',
  321: 'invalid memory index',
  322: 'memory full',
  330: 'SMSC address unknown',
  331: 'no network service',
  332: 'network timeout',
  500: 'unknown error',
};

/** `+CMS ERROR: 21` → `+CMS ERROR: 21 (short message transfer rejected)`; unknown codes and verbose texts stay as they are. */
export function describeCmsError(line: string): string {
  const code = /^\+CMS ERROR:\s*(\d+)$/.exec(line)?.[1];
  const meaning = code === undefined ? undefined : MEANINGS[Number(code)];
  return meaning === undefined ? line : `${line} (${meaning})`;
}
