import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';

/** Where an SMSC is and which account to bind with. */
export interface SmppAccount {
  readonly host: string;
  readonly port: number;
  readonly systemId: string;
  readonly password: string;
}

/** SMPP's well-known port (IANA). */
export const DEFAULT_SMPP_PORT = 2775;

// SMPP 3.4 §5.2: system_id is a C-octet string of at most 16 octets, password of at most 9, both with the NUL.
const MAX_SYSTEM_ID = 15;
const MAX_PASSWORD = 8;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Reads `smpp://system_id:password@host:port` (port 2775 when left out; percent-escapes allowed in the credentials). */
export function parseSmppUrl(url: string): SmppAccount {
  const invalid = (reason: string, cause?: unknown) =>
    new SmsCarrierError(SmsCarrierErrorCode.InvalidConfig, `the SMPP URL ${redacted(url)} ${reason}`, { cause });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw invalid('is not a URL', error);
  }
  if (parsed.protocol !== 'smpp:') throw invalid(`has scheme "${parsed.protocol}", not "smpp:"`);
  if (parsed.hostname === '') throw invalid('names no host');
  const systemId = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  if (systemId === '') throw invalid('names no system ID (smpp://system_id:password@host:port)');
  if (systemId.length > MAX_SYSTEM_ID || !PRINTABLE_ASCII.test(systemId))
    throw invalid(`has a system ID that is not 1 to ${MAX_SYSTEM_ID} printable ASCII characters`);
  if (password.length > MAX_PASSWORD || !PRINTABLE_ASCII.test(password))
    throw invalid(`has a password that is not at most ${MAX_PASSWORD} printable ASCII characters`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: parsed.port === '' ? DEFAULT_SMPP_PORT : Number(parsed.port), systemId, password };
}

/** The URL without its password, to quote in errors. */
function redacted(url: string): string {
  return url.replace(/^(smpp:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
