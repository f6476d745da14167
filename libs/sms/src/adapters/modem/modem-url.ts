import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';

/** PDU mode carries headers and 8-bit data; text mode only plain GSM text, for modems whose PDU mode is broken. */
export type ModemMode = 'pdu' | 'text';

export interface ModemSettings {
  readonly path: string;
  readonly baudRate: number;
  readonly mode: ModemMode;
  /** Where messages are stored and read (`AT+CPMS`): SM the SIM, ME the phone, MT both. */
  readonly storage: 'SM' | 'ME' | 'MT';
  /** The SIM's PIN, for a SIM that asks for one (`AT+CPIN`); a secret, never put in an error. */
  readonly pin?: string;
}

const BAUD_RATES = new Set([9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]);
const STORAGES = new Set(['SM', 'ME', 'MT']);

/** Reads `serial:///dev/ttyUSB0?baud=115200&mode=pdu&storage=SM&pin=1234`; everything but the path has a default, and the PIN is needed only by a locked SIM. */
export function parseModemUrl(text: string): ModemSettings {
  // Named in errors without its options, which may hold the PIN.
  const shown = JSON.stringify(text.split('?')[0]);
  const url = URL.canParse(text) ? new URL(text) : invalid(`${shown} is not a URL`);
  if (url.protocol !== 'serial:') invalid(`scheme ${JSON.stringify(url.protocol)} is not serial:`);
  if (url.host !== '' || url.pathname.length <= 1) invalid(`${shown} does not name a device path, as in serial:///dev/ttyUSB0`);
  const known = new Set(['baud', 'mode', 'storage', 'pin']);
  const unknown = [...url.searchParams.keys()].find((key) => !known.has(key));
  if (unknown !== undefined) invalid(`unknown option ${JSON.stringify(unknown)}; known: baud, mode, storage, pin`);
  const baudRate = Number(url.searchParams.get('baud') ?? 115200);
  if (!BAUD_RATES.has(baudRate)) invalid(`baud ${url.searchParams.get('baud')} is not one of ${[...BAUD_RATES].join(', ')}`);
  const mode = url.searchParams.get('mode') ?? 'pdu';
  if (mode !== 'pdu' && mode !== 'text') invalid(`mode ${JSON.stringify(mode)} is not pdu or text`);
  const storage = url.searchParams.get('storage') ?? 'SM';
  if (!STORAGES.has(storage)) invalid(`storage ${JSON.stringify(storage)} is not SM, ME or MT`);
  const pin = url.searchParams.get('pin') ?? undefined;
  // The value is not repeated: it is a secret, and a wrong one is still most of the right one.
  if (pin !== undefined && !/^[0-9]{4,8}$/.test(pin)) invalid('pin is not 4 to 8 digits');
  return { path: decodeURIComponent(url.pathname), baudRate, mode, storage: storage as ModemSettings['storage'], pin };
}

function invalid(reason: string): never {
  throw new SmsCarrierError(SmsCarrierErrorCode.InvalidConfig, `modem URL: ${reason}`);
}
