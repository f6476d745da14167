// Each project that compiles this file (the sms lib, the test SMSC) must see the package's types.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./smpp.d.ts" />
import smpp from 'smpp';
import type { PhoneNumber } from '../../sms-carrier';

export { smpp };
export type SmppSession = smpp.Session;
export type SmppPdu = smpp.PDU;
export type SmppPduFields = smpp.PduFields;
export type SmppServer = smpp.Server;

/** The command statuses (SMPP 3.4 §5.1.3) the carrier and the SMSC answer or act on. */
export const SmppStatus = {
  Ok: 0x00,
  InvalidMessageLength: 0x01,
  InvalidCommandLength: 0x02,
  InvalidCommandId: 0x03,
  IncorrectBindStatus: 0x04,
  AlreadyBound: 0x05,
  SystemError: 0x08,
  InvalidSourceAddress: 0x0a,
  InvalidDestinationAddress: 0x0b,
  BindFailed: 0x0d,
  InvalidPassword: 0x0e,
  InvalidSystemId: 0x0f,
  MessageQueueFull: 0x14,
  Throttled: 0x58,
  TemporaryAppError: 0x64,
  PermanentAppError: 0x65,
  TlvNotAllowed: 0xc1,
  /** SMPP 5.0's; 3.4 has no status for an unsupported data coding. */
  InvalidDataCoding: 0x104,
} as const;

/** The data codings the SMS transport uses (TS 23.038 §4): the default alphabet, and 8-bit data. */
export const DataCoding = { Gsm7: 0x00, Binary: 0x04 } as const;

export const EsmClass = {
  /** The short message starts with a user data header. */
  UdhIndicator: 0x40,
  /** A deliver_sm that is a delivery receipt, not a message. */
  DeliveryReceipt: 0x04,
} as const;

/** Type of number "international" and numbering plan "ISDN (E.164)": the digits of an E.164 number, without `+`. */
export const INTERNATIONAL_TON = 0x01;
export const ISDN_NPI = 0x01;

/** SMPP 3.4 §4.1: short_message is at most 254 octets; longer content needs message_payload, which SMS parts never do. */
export const MAX_SHORT_MESSAGE_OCTETS = 254;

const statusNames = new Map(Object.entries(smpp.errors).map(([name, value]) => [value, name]));

/** A command status as people read it: `ESME_RTHROTTLED (0x58)`. */
export function commandStatusName(status: number): string {
  return `${statusNames.get(status) ?? 'unknown status'} (0x${status.toString(16).padStart(2, '0')})`;
}

const E164 = /^\+[1-9]\d{0,14}$/;

export function isPhoneNumber(value: string): boolean {
  return E164.test(value);
}

/** The address field for `number`, to go with INTERNATIONAL_TON and ISDN_NPI. */
export function smppAddress(number: PhoneNumber): string {
  return number.slice(1);
}

/**
 * The E.164 number an address names, or undefined when it names none: the digits of an
 * international number (TON 1), or with TON unknown (0) the same digits, with or without `+`.
 */
export function phoneNumberOf(address: string | undefined, ton: number | undefined): PhoneNumber | undefined {
  if (address === undefined || (ton !== INTERNATIONAL_TON && ton !== 0)) return undefined;
  const number = address.startsWith('+') ? address : `+${address}`;
  return isPhoneNumber(number) ? number : undefined;
}

/** A short message's octets: the user data header (its information elements, without UDHL) and the body. */
export interface ShortMessageOctets {
  readonly udh?: Uint8Array;
  readonly body: Uint8Array;
}

/** The short_message field for a header and a body: UDHL, the header, then the body. */
export function shortMessageField({ udh, body }: ShortMessageOctets): Buffer {
  if (udh === undefined) return Buffer.from(body);
  return Buffer.concat([Buffer.of(udh.length), udh, body]);
}

/**
 * The octets of a received PDU's short_message, undoing the package's decoding: its header
 * elements joined back, and text it decoded encoded again with the same GSM table (the one a
 * national language shift element names, else the default), which gives back every septet
 * value 0 to 127. Octets above 127 in a GSM 7-bit message have no septet and are lost.
 */
export function shortMessageOctets(pdu: SmppPdu): ShortMessageOctets {
  const field = pdu.short_message;
  if (field === undefined) return { body: new Uint8Array(0) };
  if (Buffer.isBuffer(field)) return { body: field };
  const body = typeof field.message === 'string' ? smpp.gsmCoder.encode(field.message, gsmTableOf(field.udh ?? [])) : field.message;
  return field.udh === undefined ? { body } : { udh: Buffer.concat(field.udh), body };
}

/** The national language table the package decodes with: that of a locking (0x25) or single (0x24) shift element, else 0. */
function gsmTableOf(elements: readonly Buffer[]): number {
  const shift = elements.find((element) => element[0] === 0x24 || element[0] === 0x25);
  return shift?.[2] ?? 0;
}

/**
 * GSM 03.38 default alphabet text as one octet per septet (what data coding 0 carries over
 * SMPP), extension characters as their escape pairs; undefined when a character has no septet.
 */
export function gsm7Octets(text: string): Buffer | undefined {
  // ESC only starts an extension pair; on its own it is no character.
  if (text.includes('\x1b')) return undefined;
  const octets = smpp.gsmCoder.encode(text, 0);
  // The package writes a space for what it cannot encode: decoding back tells them apart.
  return smpp.gsmCoder.decode(octets, 0) === text ? octets : undefined;
}

export function gsm7Text(octets: Uint8Array): string {
  return smpp.gsmCoder.decode(Buffer.from(octets), 0);
}
