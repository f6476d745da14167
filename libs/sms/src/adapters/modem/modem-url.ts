import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';

/** PDU mode carries headers and 8-bit data; text mode only plain GSM text, for modems whose PDU mode is broken. */
export type ModemMode = 'pdu' | 'text';

export interface ModemSettings {
  readonly path: string;
  readonly baudRate: number;
  readonly mode: ModemMode;
  /** Where messages are stored and read (`AT+CPMS`): SM the SIM, ME the phone, MT both. */
  readonly storage: 'SM' | 'ME' | 'MT';
}

const BAUD_RATES = new Set([9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600]);
const STORAGES = new Set(['SM', 'ME', 'MT']);

/** Reads `serial:///dev/ttyUSB0?baud=115200&mode=pdu&storage=SM`; everything but the path has a default. */
export function parseModemUrl(text: string): ModemSettings {
  const url = URL.canParse(text) ? new URL(text) : invalid(`${JSON.stringify(text)} is not a URL`);
  if (url.protocol !== 'serial:') invalid(`scheme ${JSON.stringify(url.protocol)} is not serial:`);
  if (url.host !== '' || url.pathname.length <= 1)
    invalid(`${JSON.stringify(text)} does not name a device path, as in serial:///dev/ttyUSB0`);
  const known = new Set(['baud', 'mode', 'storage']);
  const unknown = [...url.searchParams.keys()].find((key) => !known.has(key));
  if (unknown !== undefined) invalid(`unknown option ${JSON.stringify(unknown)}; known: baud, mode, storage`);
  const baudRate = Number(url.searchParams.get('baud') ?? 115200);
  if (!BAUD_RATES.has(baudRate)) invalid(`baud ${url.searchParams.get('baud')} is not one of ${[...BAUD_RATES].join(', ')}`);
  const mode = url.searchParams.get('mode') ?? 'pdu';
  if (mode !== 'pdu' && mode !== 'text') invalid(`mode ${JSON.stringify(mode)} is not pdu or text`);
  const storage = url.searchParams.get('storage') ?? 'SM';
  if (!STORAGES.has(storage)) invalid(`storage ${JSON.stringify(storage)} is not SM, ME or MT`);
  return { path: decodeURIComponent(url.pathname), baudRate, mode, storage: storage as ModemSettings['storage'] };
}

function invalid(reason: string): never {
  throw new SmsCarrierError(SmsCarrierErrorCode.InvalidConfig, `modem URL: ${reason}`);
}
