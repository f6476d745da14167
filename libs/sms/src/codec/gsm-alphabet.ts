/**
 * The GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1), indexed by septet value. 0x1B is
 * the escape to the extension table; its characters (`[`, `€`, `{`…) take two septets and
 * never appear in what this codec writes.
 */
export const GSM_BASIC_ALPHABET =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

const ESCAPE = 0x1b;
const BASIC = new Set([...GSM_BASIC_ALPHABET].filter((_, septet) => septet !== ESCAPE));

/** The position of the first character of `text` that is not one septet of the basic alphabet, or -1. */
export function firstNonGsmBasic(text: string): number {
  for (let index = 0; index < text.length; index++) {
    if (!BASIC.has(text[index]!)) return index;
  }
  return -1;
}
