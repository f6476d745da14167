import { GSM_BASIC_ALPHABET } from '../codec/gsm-alphabet';
import { SmsCarrierError, SmsCarrierErrorCode } from './sms-carrier.errors';

const ESCAPE = 0x1b;

/** The extension table of 3GPP TS 23.038 §6.2.1.1: characters sent as the escape septet, then this one. */
const EXTENSION = new Map<number, string>([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const BASIC_SEPTET = new Map([...GSM_BASIC_ALPHABET].map((character, septet) => [character, septet]));
BASIC_SEPTET.delete(GSM_BASIC_ALPHABET[ESCAPE]!);
const EXTENSION_SEPTET = new Map([...EXTENSION].map(([septet, character]) => [character, septet]));

/**
 * The septets of GSM 7-bit text: one for a character of the basic alphabet, two (escape,
 * then the character) for one of the extension table. Anything else is refused, naming it,
 * since silently replacing a character would corrupt a Coming message.
 */
export function textToSeptets(text: string): number[] {
  const septets: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    const basic = BASIC_SEPTET.get(character);
    if (basic !== undefined) {
      septets.push(basic);
      continue;
    }
    const extended = EXTENSION_SEPTET.get(character);
    if (extended === undefined) {
      throw new SmsCarrierError(
        SmsCarrierErrorCode.InvalidPart,
        `character ${JSON.stringify(character)} at ${index} is not in the GSM 7-bit alphabet`,
      );
    }
    septets.push(ESCAPE, extended);
  }
  return septets;
}

/**
 * Reads septets back into text. An escape before a septet the extension table lacks shows
 * that septet's basic character, as §6.2.1.1 asks of phones; a trailing escape, or a second
 * one (reserved for further tables), shows a space.
 */
export function septetsToText(septets: ArrayLike<number>): string {
  let text = '';
  for (let index = 0; index < septets.length; index++) {
    const septet = septets[index]! & 0x7f;
    if (septet !== ESCAPE) {
      text += GSM_BASIC_ALPHABET[septet];
      continue;
    }
    const next = (septets[++index] ?? ESCAPE) & 0x7f;
    text += next === ESCAPE ? ' ' : (EXTENSION.get(next) ?? GSM_BASIC_ALPHABET[next]);
  }
  return text;
}
