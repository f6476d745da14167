export type { PhoneNumber, SmsCarrier } from './sms-carrier';
export type { SmsBody, SmsPart } from './sms-part';
export { SmsCarrierError, SmsCarrierErrorCode } from './sms-carrier.errors';
export * from './adapters/smpp';
