import type { SmsBody } from '../sms-part';
import { concatBytes } from './bytes';
import { decodeSafeText, encodeSafeText } from './safe-text';
import { SmsCodecError, SmsCodecErrorCode } from './sms-codec.errors';

/** `text` (the default) for GSM 7-bit text, which every phone hands to SMS apps; `binary` for 8-bit data. */
export type SmsMessageMode = 'text' | 'binary';

/**
 * What starts a text-mode message. No ordinary SMS begins with a percent sign followed by
 * "Cm", so a foreign message is not taken for ours; the character after it is the format
 * version.
 */
export const SMS_TEXT_MARKER = '%Cm';
const TEXT_VERSION = '1';

/** What starts a binary-mode message, then one version octet. 0xC0 starts no text in any 8-bit charset phones send. */
export const SMS_BINARY_MAGIC = Uint8Array.of(0xc0, 0x4d);
const BINARY_VERSION = 1;

/** An SMS body read back: ours, with the bytes it carries, or someone else's, to pass through untouched. */
export type DecodedSmsMessage = { readonly kind: 'coming'; readonly bytes: Uint8Array } | { readonly kind: 'foreign' };

/** Wraps opaque bytes (a Signal ciphertext) into one SMS message body, before splitting into parts. */
export function encodeSmsMessage(bytes: Uint8Array, options: { mode?: SmsMessageMode } = {}): SmsBody {
  if (options.mode === 'binary') {
    return { coding: 'binary', bytes: concatBytes(SMS_BINARY_MAGIC, Uint8Array.of(BINARY_VERSION), bytes) };
  }
  return { coding: 'gsm7', text: SMS_TEXT_MARKER + TEXT_VERSION + encodeSafeText(bytes) };
}

/**
 * Reads a whole (reassembled) SMS body. A body without our marker is foreign, not an error;
 * one with the marker but damaged after it throws an SmsCodecError naming the damage.
 */
export function decodeSmsMessage(body: SmsBody): DecodedSmsMessage {
  if (body.coding === 'gsm7') {
    if (!body.text.startsWith(SMS_TEXT_MARKER)) return { kind: 'foreign' };
    checkVersion(body.text[SMS_TEXT_MARKER.length], TEXT_VERSION);
    return { kind: 'coming', bytes: decodeSafeText(body.text.slice(SMS_TEXT_MARKER.length + 1)) };
  }
  if (!SMS_BINARY_MAGIC.every((octet, index) => body.bytes[index] === octet)) return { kind: 'foreign' };
  checkVersion(body.bytes[SMS_BINARY_MAGIC.length], BINARY_VERSION);
  return { kind: 'coming', bytes: body.bytes.slice(SMS_BINARY_MAGIC.length + 1) };
}

function checkVersion<Version extends string | number>(found: Version | undefined, known: Version): void {
  if (found === undefined) {
    throw new SmsCodecError(SmsCodecErrorCode.InvalidLength, 'the message ends after its marker, before the format version');
  }
  if (found !== known) {
    throw new SmsCodecError(
      SmsCodecErrorCode.UnsupportedVersion,
      `format version ${JSON.stringify(found)} is not the known ${JSON.stringify(known)}`,
    );
  }
}
