/**
 * One SMS as a carrier moves it. A long message travels as several parts, each with a user
 * data header (3GPP TS 23.040 §9.2.3.24) that names its concatenation reference, count and
 * sequence number; a short one has no header.
 */
export interface SmsPart {
  /** The user data header's information elements, without the leading UDHL octet; absent when none. */
  readonly udh?: Uint8Array;
  readonly body: SmsBody;
}

/**
 * What a part carries: text in the GSM 03.38 default alphabet (data coding 0, what phones
 * hand to apps) or 8-bit data (data coding 0x04).
 */
export type SmsBody = { readonly coding: 'gsm7'; readonly text: string } | { readonly coding: 'binary'; readonly bytes: Uint8Array };
