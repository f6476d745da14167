import { concatBytes } from '../../codec/bytes';
import type { SmsBody, SmsPart } from '../../sms-part';
import { septetsToText, textToSeptets } from '../gsm-septets';
import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';
import { checkPartSize } from '../sms-part-size';
import type { PduReader } from './pdu-reader';
import { fillBitsAfter, packSeptets, unpackSeptets } from './septet-packing';

// Data coding schemes written (3GPP TS 23.038 §4, general data coding, no class).
const DCS_GSM7 = 0x00;
const DCS_8BIT = 0x04;

const MAX_SEPTETS = 160;
const MAX_OCTETS = 140;

/** The TP-DCS, TP-UDHI, TP-UDL and TP-UD of one part. */
export interface EncodedUserData {
  readonly dataCoding: number;
  readonly headerIndicator: boolean;
  /** Septets (header and fill included) for 7-bit text, octets for 8-bit data. */
  readonly length: number;
  readonly octets: Uint8Array;
}

/** A part read from the network, or why it cannot be one (it is not an error: foreign SMS are normal). */
export type DecodedUserData = { readonly kind: 'part'; readonly part: SmsPart } | { readonly kind: 'discarded'; readonly reason: string };

export function encodeUserData(part: SmsPart): EncodedUserData {
  checkPartSize(part);
  const header = part.udh ? concatBytes(Uint8Array.of(part.udh.length), part.udh) : new Uint8Array(0);
  if (part.body.coding === 'binary') {
    const octets = concatBytes(header, part.body.bytes);
    return { dataCoding: DCS_8BIT, headerIndicator: header.length > 0, length: octets.length, octets };
  }
  const septets = textToSeptets(part.body.text);
  return {
    dataCoding: DCS_GSM7,
    headerIndicator: header.length > 0,
    length: Math.ceil((header.length * 8) / 7) + septets.length,
    octets: concatBytes(header, packSeptets(septets, fillBitsAfter(header.length))),
  };
}

/** Reads TP-UDL and TP-UD, the last fields of a SUBMIT or DELIVER, coded as `dataCoding` says. */
export function decodeUserData(dataCoding: number, headerIndicator: boolean, reader: PduReader): DecodedUserData {
  const alphabet = alphabetOf(dataCoding);
  const length = reader.octet('user data length');
  const data = reader.rest();
  if (alphabet === 'compressed') return { kind: 'discarded', reason: `compressed user data (data coding 0x${hex(dataCoding)})` };
  const limit = alphabet === 'gsm7' ? MAX_SEPTETS : MAX_OCTETS;
  if (length > limit) malformed(`a user data length of ${length} exceeds the ${limit} one SMS holds`);
  const headerOctets = headerIndicator ? (data[0] ?? malformed('the header indicator is set but the user data is empty')) + 1 : 0;
  const headerBits = headerOctets * 8;
  if (headerBits > (alphabet === 'gsm7' ? length * 7 : length * 8)) {
    malformed(`a user data header of ${headerOctets} octets is longer than the user data length of ${length}`);
  }
  if (data.length < headerOctets) malformed(`the user data header needs ${headerOctets} octets, only ${data.length} present`);
  // An empty header (UDHL 0) says nothing; the part goes on without one.
  const udh = headerOctets > 1 ? data.slice(1, headerOctets) : undefined;
  const body = bodyOf(alphabet, length, headerOctets, data);
  if (body.kind === 'discarded') return body;
  return { kind: 'part', part: udh ? { udh, body: body.body } : { body: body.body } };
}

export type Alphabet = SmsBody['coding'] | 'ucs2' | 'compressed';

/** The alphabet a TP-DCS names (TS 23.038 §4); reserved values count as the GSM 7-bit default alphabet, as the spec asks. */
export function alphabetOf(dataCoding: number): Alphabet {
  const group = dataCoding >> 4;
  if (group < 0x8) {
    if (dataCoding & 0x20) return 'compressed';
    return (['gsm7', 'binary', 'ucs2', 'gsm7'] as const)[(dataCoding >> 2) & 0x03]!;
  }
  if (group === 0xe) return 'ucs2';
  if (group === 0xf) return dataCoding & 0x04 ? 'binary' : 'gsm7';
  return 'gsm7';
}

type BodyOrDiscard = { readonly kind: 'body'; readonly body: SmsBody } | { readonly kind: 'discarded'; readonly reason: string };

function bodyOf(alphabet: Exclude<Alphabet, 'compressed'>, length: number, headerOctets: number, data: Uint8Array): BodyOrDiscard {
  if (alphabet === 'gsm7') {
    const septets = length - Math.ceil((headerOctets * 8) / 7);
    const text = septetsToText(unpackSeptets(data.subarray(headerOctets), septets, fillBitsAfter(headerOctets)));
    return { kind: 'body', body: { coding: 'gsm7', text } };
  }
  if (data.length < length) malformed(`a user data length of ${length} octets, only ${data.length} present`);
  return octetBody(alphabet, data.slice(headerOctets, length));
}

/** The body of 8-bit or UCS2 user data, once the header is off. */
export function octetBody(alphabet: 'binary' | 'ucs2', bytes: Uint8Array): BodyOrDiscard {
  if (alphabet === 'binary') return { kind: 'body', body: { coding: 'binary', bytes } };
  if (bytes.length % 2 !== 0) malformed(`UCS2 text of an odd ${bytes.length} octets`);
  // A route that recoded GSM text as UCS2 hands back the same characters; other UCS2 text
  // cannot be a part, whose text is GSM 7-bit, and is not Coming's.
  const text = Buffer.from(bytes).swap16().toString('utf16le');
  try {
    textToSeptets(text);
  } catch (error) {
    if (!(error instanceof SmsCarrierError)) throw error;
    return { kind: 'discarded', reason: `UCS2 text outside the GSM alphabet: ${error.message}` };
  }
  return { kind: 'body', body: { coding: 'gsm7', text } };
}

function malformed(reason: string): never {
  throw new SmsCarrierError(SmsCarrierErrorCode.MalformedInput, reason);
}

function hex(octet: number): string {
  return octet.toString(16).padStart(2, '0');
}
