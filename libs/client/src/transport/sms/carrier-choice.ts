import type { SmsPolicy } from './sms-routes';

/** How to send now: by the server (with, under `auto`, how much longer the outage must last before SMS), or by SMS. */
export type CarrierChoice = { carrier: 'websocket'; smsInMs?: number } | { carrier: 'sms' };

/**
 * The carrier for a message to a contact under `policy` (undefined: no SMS route, or no
 * SMS carrier configured), when the server has been unreachable for `outageMs` (undefined
 * while it answers) and the client falls back to SMS after `thresholdMs` of it.
 */
export function chooseCarrier(policy: SmsPolicy | undefined, outageMs: number | undefined, thresholdMs: number): CarrierChoice {
  switch (policy) {
    case undefined:
    case 'websocket':
      return { carrier: 'websocket' };
    case 'sms':
      return { carrier: 'sms' };
    case 'auto':
      if (outageMs === undefined) return { carrier: 'websocket' };
      return outageMs >= thresholdMs ? { carrier: 'sms' } : { carrier: 'websocket', smsInMs: thresholdMs - outageMs };
  }
}
