export type { PhoneNumber, SmsCarrier } from './sms-carrier';
export type { SmsBody, SmsPart } from './sms-part';
