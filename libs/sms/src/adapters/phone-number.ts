import type { PhoneNumber } from '../sms-carrier';
import { SmsCarrierError, SmsCarrierErrorCode } from './sms-carrier.errors';

const E164 = /^\+[1-9][0-9]{0,14}$/;

/** Refuses a destination that is not an E.164 number, naming it. */
export function checkPhoneNumber(number: string, role: string): PhoneNumber {
  if (!E164.test(number)) {
    throw new SmsCarrierError(
      SmsCarrierErrorCode.InvalidNumber,
      `${role} ${JSON.stringify(number.slice(0, 40))} is not an E.164 number (+, then 1 to 15 digits, the first not 0)`,
    );
  }
  return number;
}
