// How many SMS a Signal message takes in each mode, against plain base64 behind the same
// marker. Run with `node -r ./tools/register.cjs libs/sms/tools/part-counts.ts [bytes…]`.
//
// The default sizes are ciphertext lengths, not plaintext:
// - 250: a whisper (SignalMessage) carrying a 160-character chat text: the version octet, a
//   33-byte ratchet key, the counters, the padded and AES-CBC-encrypted Content (~190 bytes)
//   and an 8-byte MAC, with their protobuf framing.
// - 1900: a first PreKeySignalMessage: the 1,568-byte ML-KEM-1024 (Kyber) ciphertext, the
//   identity and base keys (33 bytes each), the pre-key ids, and the whisper above inside it.
import { SMS_TEXT_MARKER, encodeSmsMessage, splitIntoParts } from '../src';
import type { SmsBody } from '../src';

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [250, 1_900];

// Base64 behind the same marker and version character, split the same way: the baseline the text mode improves on.
const base64Body = (bytes: Uint8Array): SmsBody => ({
  coding: 'gsm7',
  text: `${SMS_TEXT_MARKER}1${Buffer.from(bytes).toString('base64')}`,
});

const lengthOf = (body: SmsBody) => (body.coding === 'gsm7' ? `${body.text.length} septets` : `${body.bytes.length} octets`);

for (const size of sizes) {
  if (!Number.isInteger(size) || size < 0) throw new Error(`a size of ${size} bytes is not a whole number of 0 or more`);
  // Every encoding here has a length set by the byte count alone, so zeros stand for any ciphertext.
  const bytes = new Uint8Array(size);
  const bodies: [string, SmsBody][] = [
    ['text', encodeSmsMessage(bytes)],
    ['binary', encodeSmsMessage(bytes, { mode: 'binary' })],
    ['base64', base64Body(bytes)],
  ];
  console.log(`${size} bytes of ciphertext:`);
  for (const [mode, body] of bodies) {
    const parts = splitIntoParts(body, { reference: 0 }).length;
    console.log(`  ${mode.padEnd(6)} ${String(parts).padStart(3)} parts  (${lengthOf(body)})`);
  }
}
