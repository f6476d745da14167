export { type BackoffPolicy } from './backoff';
export { type DeliveryReceipt, type DeliveryState, MESSAGE_STATE, readReceiptText, receiptText } from './delivery-receipt';
export { SmppCarrier, type SmppCarrierOptions } from './smpp-carrier';
export { DEFAULT_SMPP_PORT, parseSmppUrl, type SmppAccount } from './smpp-url';
export {
  commandStatusName,
  DataCoding,
  EsmClass,
  gsm7Octets,
  gsm7Text,
  INTERNATIONAL_TON,
  isPhoneNumber,
  ISDN_NPI,
  MAX_SHORT_MESSAGE_OCTETS,
  phoneNumberOf,
  type ShortMessageOctets,
  shortMessageField,
  shortMessageOctets,
  smpp,
  smppAddress,
  type SmppPdu,
  type SmppPduFields,
  type SmppServer,
  type SmppSession,
  SmppStatus,
} from './smpp-wire';
