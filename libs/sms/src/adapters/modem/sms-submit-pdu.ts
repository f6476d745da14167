import { concatBytes } from '../../codec/bytes';
import type { PhoneNumber } from '../../sms-carrier';
import type { SmsPart } from '../../sms-part';
import { decodeAddress, encodeAddress } from './pdu-address';
import { MessageType, openTpdu } from './pdu-reader';
import { type DecodedUserData, decodeUserData, encodeUserData } from './pdu-user-data';

// First octet of an SMS-SUBMIT (3GPP TS 23.040 §9.2.2.2): TP-VPF 10 (relative validity).
const VALIDITY_RELATIVE = 0x10;
const VALIDITY_FORMAT_MASK = 0x18;
const HEADER_INDICATOR = 0x40;
/** TP-VP 167: 24 hours (§9.2.3.12.1). A fallback message a day old is still worth having; older ones the network may drop. */
const VALIDITY_ONE_DAY = 0xa7;
/** TP-VP lengths by TP-VPF: none, enhanced (7), relative (1), absolute (7). */
const VALIDITY_OCTETS = [0, 7, 1, 7];

/** An SMS-SUBMIT as `AT+CMGS` takes it in PDU mode: the TPDU after an empty SMSC address, and the TPDU's length. */
export interface SubmitPdu {
  readonly octets: Uint8Array;
  readonly tpduLength: number;
}

/**
 * Writes the SMS-SUBMIT of one part: the SIM's SMSC (address length 0), no status report,
 * TP-MR 0 (the modem numbers messages itself), TP-PID 0, and a one-day validity.
 */
export function encodeSmsSubmit(to: PhoneNumber, part: SmsPart): SubmitPdu {
  const userData = encodeUserData(part);
  const tpdu = concatBytes(
    Uint8Array.of(MessageType.Submit | VALIDITY_RELATIVE | (userData.headerIndicator ? HEADER_INDICATOR : 0), 0x00),
    encodeAddress(to),
    Uint8Array.of(0x00, userData.dataCoding, VALIDITY_ONE_DAY, userData.length),
    userData.octets,
  );
  return { octets: concatBytes(Uint8Array.of(0x00), tpdu), tpduLength: tpdu.length };
}

/** An SMS-SUBMIT read back: where it goes and what it carries. What a network (or a simulator of one) does with one. */
export type DecodedSubmit = { readonly to: string } & DecodedUserData;

/** Reads an SMS-SUBMIT that starts with its SMSC address field, as `AT+CMGS` hands it over. */
export function decodeSmsSubmit(octets: Uint8Array): DecodedSubmit {
  const { reader, firstOctet } = openTpdu(octets, MessageType.Submit);
  reader.octet('message reference');
  const to = decodeAddress(reader, 'destination address');
  reader.octet('protocol identifier');
  const dataCoding = reader.octet('data coding scheme');
  reader.take(VALIDITY_OCTETS[(firstOctet & VALIDITY_FORMAT_MASK) >> 3]!, 'validity period');
  return { to, ...decodeUserData(dataCoding, (firstOctet & HEADER_INDICATOR) !== 0, reader) };
}
