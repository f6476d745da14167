import type { PhoneNumber } from '../../sms-carrier';
import type { SmsPart } from '../../sms-part';
import { septetsToText, textToSeptets } from '../gsm-septets';
import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';
import { checkPartSize } from '../sms-part-size';
import { parseAtFields } from './at-fields';
import { octetsFromHex } from './pdu-reader';
import { type DecodedUserData, alphabetOf, octetBody } from './pdu-user-data';

/*
 * Text mode (3GPP TS 27.005 §3.1, with AT+CSCS="GSM" and AT+CSDH=1) is the fallback for
 * modems whose PDU mode is broken. It has no way to send a user data header, so it sends
 * single GSM 7-bit parts only and refuses the rest; a Coming message that needs several
 * parts, or binary mode, needs PDU mode. In the GSM character set each character crosses
 * the serial line as its septet, one octet, and a received message's text is everything
 * between its header line and the final OK: a line break inside it comes out as "\n".
 */

/** What AT+CSMP sets for every text-mode SUBMIT: first octet 17 (relative validity), one day, protocol 0, GSM 7-bit. */
export const TEXT_MODE_PARAMETERS = 'AT+CSMP=17,167,0,0';

const CTRL_Z = 0x1a;
const ESCAPE = 0x1b;
const HEADER_INDICATOR = 0x40;
const INTERNATIONAL = '145';

export function textModeSendCommand(to: PhoneNumber): string {
  return `AT+CMGS="${to}",${INTERNATIONAL}`;
}

/** The octets to type after the prompt for a part, or an error saying why text mode cannot send it. */
export function textModePayload(part: SmsPart): string {
  if (part.udh || part.body.coding !== 'gsm7') {
    throw new SmsCarrierError(
      SmsCarrierErrorCode.InvalidPart,
      'text mode sends single GSM 7-bit parts only, without a user data header; use mode=pdu for concatenated or binary parts',
    );
  }
  checkPartSize(part);
  const septets = textToSeptets(part.body.text);
  const stop = septets.findIndex((septet) => septet === CTRL_Z || septet === ESCAPE);
  if (stop >= 0) {
    throw new SmsCarrierError(
      SmsCarrierErrorCode.InvalidPart,
      `text mode cannot send ${JSON.stringify(septetsToText(septets.slice(stop, stop + 2)))}: its septet is Ctrl-Z or Escape, which end the message`,
    );
  }
  return String.fromCharCode(...septets);
}

/** Reads an `AT+CMGR` answer in text mode: the header's sender, first octet and data coding, then the data. */
export function parseTextModeMessage(lines: readonly string[]): ({ readonly from: string } & DecodedUserData) | undefined {
  const headerAt = lines.findIndex((line) => line.startsWith('+CMGR:'));
  if (headerAt < 0) return undefined;
  const [, sender = '', , , senderType, firstOctet, , dataCoding] = parseAtFields(lines[headerAt]!.slice('+CMGR:'.length));
  const name = fromGsmCharset(sender);
  const from = senderType === INTERNATIONAL && !name.startsWith('+') ? `+${name}` : name;
  const data = lines.slice(headerAt + 1).join('\n');
  if (Number(firstOctet) & HEADER_INDICATOR) {
    return { from, kind: 'discarded', reason: 'a message with a user data header, which text mode does not show; use mode=pdu' };
  }
  const alphabet = alphabetOf(Number(dataCoding ?? 0));
  if (alphabet === 'compressed') return { from, kind: 'discarded', reason: `compressed user data (data coding ${dataCoding})` };
  if (alphabet !== 'gsm7') {
    const body = octetBody(alphabet, octetsFromHex(data));
    return body.kind === 'discarded' ? { from, ...body } : { from, kind: 'part', part: { body: body.body } };
  }
  const part: SmsPart = { body: { coding: 'gsm7', text: fromGsmCharset(data) } };
  checkPartSize(part);
  return { from, kind: 'part', part };
}

function fromGsmCharset(text: string): string {
  return septetsToText(Array.from(text, (character) => character.charCodeAt(0)));
}
