import { concatBytes } from '../../codec/bytes';
import type { SmsPart } from '../../sms-part';
import { decodeAddress, encodeAddress } from './pdu-address';
import { MessageType, openTpdu } from './pdu-reader';
import { type DecodedUserData, decodeUserData, encodeUserData } from './pdu-user-data';

// First octet of an SMS-DELIVER (3GPP TS 23.040 §9.2.2.1): TP-MMS set means no more messages wait.
const NO_MORE_MESSAGES = 0x04;
const HEADER_INDICATOR = 0x40;
const TIMESTAMP_OCTETS = 7;

/** An SMS-DELIVER read: who sent it and what it carries. */
export type DecodedDeliver = { readonly from: string } & DecodedUserData;

/**
 * Reads an SMS-DELIVER as `AT+CMGR` shows it in PDU mode, starting with the SMSC address
 * field. The sender is `+` and digits for an international number, the digits for other
 * numbers, or an alphanumeric sender's name.
 */
export function decodeSmsDeliver(octets: Uint8Array): DecodedDeliver {
  const { reader, firstOctet } = openTpdu(octets, MessageType.Deliver);
  const from = decodeAddress(reader, 'originating address');
  reader.octet('protocol identifier');
  const dataCoding = reader.octet('data coding scheme');
  reader.take(TIMESTAMP_OCTETS, 'service centre time stamp');
  return { from, ...decodeUserData(dataCoding, (firstOctet & HEADER_INDICATOR) !== 0, reader) };
}

/** Writes the SMS-DELIVER a network hands to the recipient's phone: `from` as the sender, stamped `at` in UTC. */
export function encodeSmsDeliver(from: string, part: SmsPart, at: Date): Uint8Array {
  const userData = encodeUserData(part);
  return concatBytes(
    Uint8Array.of(0x00, MessageType.Deliver | NO_MORE_MESSAGES | (userData.headerIndicator ? HEADER_INDICATOR : 0)),
    encodeAddress(from),
    Uint8Array.of(0x00, userData.dataCoding),
    timestamp(at),
    Uint8Array.of(userData.length),
    userData.octets,
  );
}

/** TP-SCTS (§9.2.3.11): year to second and the time zone, each two swapped semi-octets; UTC, so the zone is 0. */
function timestamp(at: Date): Uint8Array {
  const fields = [
    at.getUTCFullYear() % 100,
    at.getUTCMonth() + 1,
    at.getUTCDate(),
    at.getUTCHours(),
    at.getUTCMinutes(),
    at.getUTCSeconds(),
    0,
  ];
  return Uint8Array.from(fields, (value) => ((value % 10) << 4) | Math.floor(value / 10));
}
