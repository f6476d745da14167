import type { SmsBody, SmsPart } from '../sms-part';
import { concatBytes } from './bytes';
import { firstNonGsmBasic } from './gsm-alphabet';
import { SmsCodecError, SmsCodecErrorCode } from './sms-codec.errors';
import { type SmsPorts, concatenationElement, portsElement } from './user-data-header';

/** The most parts a concatenation element can count: its count is one octet. */
export const MAX_SMS_PARTS = 255;

const USER_DATA_OCTETS = 140;
const SEPTET_BITS = 7;

export interface SplitOptions {
  /** The concatenation reference, the same in every part of the message; see ConcatenationReferences. */
  readonly reference: number;
  /** 8 (the default; one octet less of header in each part) or 16. */
  readonly referenceBits?: 8 | 16;
  /** Application ports, to address the message to an app rather than the inbox; each part carries them. */
  readonly ports?: SmsPorts;
  /** Refuses messages needing more parts than this (at most 255, the default). */
  readonly maxParts?: number;
}

/**
 * How much one SMS holds besides a user data header of `headerOctets` octets (its length
 * octet included; 0 for none): 140 octets of binary data, or 160 septets of text, where the
 * header is padded to a septet boundary (3GPP TS 23.040 §9.2.3.24). A 6-octet header takes
 * 48 bits, so 7 septets, leaving 153; a 7-octet one leaves 152.
 */
export function partCapacity(coding: SmsBody['coding'], headerOctets: number): number {
  const octets = USER_DATA_OCTETS - headerOctets;
  if (coding === 'binary') return octets;
  return Math.floor((USER_DATA_OCTETS * 8) / SEPTET_BITS) - Math.ceil((headerOctets * 8) / SEPTET_BITS);
}

/**
 * Splits one message body into the SMS that carry it. A body that fits one SMS goes without
 * a concatenation element; a longer one gets one in every part. Text must be in the GSM
 * basic alphabet, one septet a character, so that no part boundary splits an escape pair.
 */
export function splitIntoParts(body: SmsBody, options: SplitOptions): SmsPart[] {
  const { reference, referenceBits = 8, ports, maxParts = MAX_SMS_PARTS } = options;
  if (body.coding === 'gsm7') {
    const misfit = firstNonGsmBasic(body.text);
    if (misfit >= 0) {
      throw new SmsCodecError(
        SmsCodecErrorCode.NotGsmBasic,
        `character ${JSON.stringify(body.text[misfit])} at ${misfit} is not in the GSM 7-bit basic alphabet`,
      );
    }
  }
  const length = body.coding === 'gsm7' ? body.text.length : body.bytes.length;
  const portHeader = ports ? portsElement(ports) : new Uint8Array(0);
  // The reference is checked even when one part suffices, so that a bad one shows at once.
  const probe = concatenationElement({ reference, referenceBits, total: 1, sequence: 1 });
  if (length <= partCapacity(body.coding, headerOctets(portHeader))) {
    return [partOf(body, 0, length, portHeader)];
  }
  const capacity = partCapacity(body.coding, headerOctets(probe) + portHeader.length);
  const total = Math.ceil(length / capacity);
  const limit = Math.min(maxParts, MAX_SMS_PARTS);
  if (total > limit) {
    throw new SmsCodecError(
      SmsCodecErrorCode.TooManyParts,
      `a body of ${length} ${body.coding === 'gsm7' ? 'septets' : 'octets'} needs ${total} parts of ${capacity}, more than ${limit}`,
    );
  }
  return Array.from({ length: total }, (_, index) => {
    const header = concatenationElement({ reference, referenceBits, total, sequence: index + 1 });
    return partOf(body, index * capacity, Math.min(length, (index + 1) * capacity), concatBytes(header, portHeader));
  });
}

function headerOctets(elements: Uint8Array): number {
  return elements.length === 0 ? 0 : elements.length + 1;
}

function partOf(body: SmsBody, start: number, end: number, header: Uint8Array): SmsPart {
  const slice: SmsBody =
    body.coding === 'gsm7'
      ? { coding: 'gsm7', text: body.text.slice(start, end) }
      : { coding: 'binary', bytes: body.bytes.slice(start, end) };
  return header.length === 0 ? { body: slice } : { udh: header, body: slice };
}
