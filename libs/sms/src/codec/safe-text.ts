import { GSM_BASIC_ALPHABET } from './gsm-alphabet';
import { SmsCodecError, SmsCodecErrorCode } from './sms-codec.errors';

/**
 * The characters the text mode writes: those of the GSM basic alphabet whose septet value
 * equals their ASCII code, printable, except space and `&`. SMSCs and gateways that treat GSM
 * text as ASCII or Latin-1 (or the reverse) are a known source of mangled SMS: `@` (0x00)
 * turns into `¡` or a NUL, `$` (0x02) into `¤`, `_` (0x11) into `§` or `'`; characters with
 * the same code on both sides come through such a link unchanged, and every one of them is
 * in UCS-2 and Latin-1 too. Space is left out because phones and gateways trim and collapse
 * it; `&` because it is escaped by the XML and HTML that HTTP gateways wrap messages in and
 * splits form-encoded bodies, so a careless gateway breaks it. That leaves 81 characters:
 * `!"#%'()*+,-./`, the digits, `:;<=>?`, and the Latin letters.
 */
export const SAFE_TEXT_ALPHABET = [...GSM_BASIC_ALPHABET]
  .filter((character, septet) => character.charCodeAt(0) === septet && septet > 0x20 && character !== '&')
  .join('');

const RADIX = SAFE_TEXT_ALPHABET.length;
const BYTE_RADIX = 256;

/**
 * 19 bytes go into 24 characters, as 81^24 ≥ 2^152: 6.33 bits a character against base64's
 * 6, so a 1,900-byte message takes 2,400 characters rather than 2,534. A shorter last group
 * of k bytes takes the fewest characters whose values cover 256^k.
 */
const BLOCK_BYTES = 19;

/** GROUP_CHARACTERS[k]: the characters of a group of k bytes, for k from 0 to BLOCK_BYTES. */
const GROUP_CHARACTERS = Array.from({ length: BLOCK_BYTES + 1 }, (_, bytes) => {
  let characters = 0;
  while (BigInt(RADIX) ** BigInt(characters) < BigInt(BYTE_RADIX) ** BigInt(bytes)) characters++;
  return characters;
});
const BLOCK_CHARACTERS = GROUP_CHARACTERS[BLOCK_BYTES]!;
// The group lengths grow strictly with k, so a group's character count names its byte count.
const GROUP_BYTES = new Map(GROUP_CHARACTERS.map((characters, bytes) => [characters, bytes]));

const DIGIT_OF = new Map([...SAFE_TEXT_ALPHABET].map((character, digit) => [character, digit]));

/** Encodes bytes in the safe alphabet, 19 bytes to 24 characters. */
export function encodeSafeText(bytes: Uint8Array): string {
  let text = '';
  for (let offset = 0; offset < bytes.length; offset += BLOCK_BYTES) {
    const group = bytes.subarray(offset, offset + BLOCK_BYTES);
    // The group lengths are chosen so that every group fits: never undefined.
    const digits = convertRadix(group, BYTE_RADIX, RADIX, GROUP_CHARACTERS[group.length]!)!;
    for (const digit of digits) text += SAFE_TEXT_ALPHABET[digit];
  }
  return text;
}

/**
 * Decodes what `encodeSafeText` wrote. Each byte string has exactly one encoding: a group
 * worth more than its bytes can hold is refused rather than cut down.
 */
export function decodeSafeText(text: string): Uint8Array {
  const lastGroup = text.length % BLOCK_CHARACTERS;
  const lastGroupBytes = GROUP_BYTES.get(lastGroup);
  if (lastGroupBytes === undefined) {
    throw new SmsCodecError(
      SmsCodecErrorCode.InvalidLength,
      `${text.length} characters end in a group of ${lastGroup}, a length no group of bytes encodes to`,
    );
  }
  const bytes = new Uint8Array(Math.floor(text.length / BLOCK_CHARACTERS) * BLOCK_BYTES + lastGroupBytes);
  for (let start = 0, offset = 0; start < text.length; start += BLOCK_CHARACTERS, offset += BLOCK_BYTES) {
    const group = text.slice(start, start + BLOCK_CHARACTERS);
    const groupBytes = GROUP_BYTES.get(group.length)!;
    const digits = Array.from({ length: group.length }, (_, index) => digitOf(group[index]!, start + index));
    const decoded = convertRadix(digits, RADIX, BYTE_RADIX, groupBytes);
    if (decoded === undefined) {
      throw new SmsCodecError(
        SmsCodecErrorCode.InvalidLength,
        `the group at character ${start} is worth more than the ${groupBytes} bytes its length stands for`,
      );
    }
    bytes.set(decoded, offset);
  }
  return bytes;
}

function digitOf(character: string, position: number): number {
  const digit = DIGIT_OF.get(character);
  if (digit === undefined) {
    throw new SmsCodecError(
      SmsCodecErrorCode.InvalidCharacter,
      `character ${JSON.stringify(character)} at ${position} is not in the SMS text alphabet`,
    );
  }
  return digit;
}

/**
 * Rewrites a number, given as digits in base `from` (most significant first), as `length`
 * digits in base `to`, by long division; undefined when it needs more than `length` digits.
 * Plain numbers suffice: no intermediate value exceeds 256 × 81.
 */
function convertRadix(digits: ArrayLike<number>, from: number, to: number, length: number): number[] | undefined {
  const dividend = Array.from(digits);
  const converted = new Array<number>(length);
  for (let position = length - 1; position >= 0; position--) {
    let remainder = 0;
    for (let index = 0; index < dividend.length; index++) {
      const accumulated = remainder * from + dividend[index]!;
      dividend[index] = Math.floor(accumulated / to);
      remainder = accumulated % to;
    }
    converted[position] = remainder;
  }
  return dividend.every((digit) => digit === 0) ? converted : undefined;
}
