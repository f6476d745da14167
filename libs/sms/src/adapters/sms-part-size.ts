import { partCapacity } from '../codec/split-into-parts';
import type { SmsPart } from '../sms-part';
import { textToSeptets } from './gsm-septets';
import { SmsCarrierError, SmsCarrierErrorCode } from './sms-carrier.errors';

/** The user data header of one SMS, its length octet included, leaves at least one octet of data. */
const MAX_HEADER_ELEMENT_OCTETS = 138;

/**
 * Checks that a part fits one SMS (140 octets of user data, 160 septets of text, less its
 * header) and returns its body's size: septets for text, octets for binary. Every carrier
 * checks parts with this before sending, and every part from outside before handing it on.
 */
export function checkPartSize(part: SmsPart): number {
  const headerOctets = part.udh ? part.udh.length + 1 : 0;
  if (part.udh && (part.udh.length === 0 || part.udh.length > MAX_HEADER_ELEMENT_OCTETS)) {
    throw new SmsCarrierError(
      SmsCarrierErrorCode.InvalidPart,
      `a user data header of ${part.udh.length} octets is not 1 to ${MAX_HEADER_ELEMENT_OCTETS}`,
    );
  }
  const size = part.body.coding === 'gsm7' ? textToSeptets(part.body.text).length : part.body.bytes.length;
  const capacity = partCapacity(part.body.coding, headerOctets);
  if (size > capacity) {
    const unit = part.body.coding === 'gsm7' ? 'septets' : 'octets';
    throw new SmsCarrierError(
      SmsCarrierErrorCode.InvalidPart,
      `a part of ${size} ${unit} exceeds the ${capacity} one SMS holds beside a ${headerOctets}-octet header`,
    );
  }
  return size;
}
