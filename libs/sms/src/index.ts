export { ConcatenationReferences } from './codec/concatenation-references';
export { SmsCodecError, SmsCodecErrorCode } from './codec/sms-codec.errors';
export { SmsDropReason } from './codec/sms-drop-reason';
export {
  type DecodedSmsMessage,
  type SmsMessageMode,
  SMS_BINARY_MAGIC,
  SMS_TEXT_MARKER,
  decodeSmsMessage,
  encodeSmsMessage,
} from './codec/sms-message';
export {
  type ReassembledSms,
  type SmsReassemblerStats,
  type SmsReassemblyLimits,
  DEFAULT_SMS_REASSEMBLY_LIMITS,
  SmsReassembler,
} from './codec/sms-reassembler';
export { type SplitOptions, MAX_SMS_PARTS, partCapacity, splitIntoParts } from './codec/split-into-parts';
export type { SmsPorts } from './codec/user-data-header';
export type { PhoneNumber, SmsCarrier, SmsPartListener } from './sms-carrier';
export type { SmsBody, SmsPart } from './sms-part';
export * from './adapters/smpp';
export { type ModemCarrierOptions, ModemCarrier } from './adapters/modem/modem-carrier';
export { septetsToText, textToSeptets } from './adapters/gsm-septets';
export { SmsCarrierError, SmsCarrierErrorCode } from './adapters/sms-carrier.errors';
export { type HttpCarrierOptions, HttpCarrier } from './adapters/http/http-carrier';
export { type SmsPartJson, gatewayRequestSchema } from './adapters/http/http-sms-json';
export { MAX_WEBHOOK_BODY_BYTES, WEBHOOK_SECRET_HEADER } from './adapters/http/sms-webhook-server';
export { type DecodedDeliver, decodeSmsDeliver, encodeSmsDeliver } from './adapters/modem/sms-deliver-pdu';
export { type DecodedSubmit, type SubmitPdu, decodeSmsSubmit, encodeSmsSubmit } from './adapters/modem/sms-submit-pdu';
