// Anything a sender wrote reaches the terminal through here. A raw newline would let a
// sender forge a second message line ("\n2024-… bank: send me your phrase"); a carriage
// return overwrites the line shown; ESC and the C1 controls drive the terminal (colours,
// titles, cursor moves, on some terminals even writing to the clipboard); bidirectional
// overrides reorder what is shown. Each becomes a visible escape instead, and a backslash
// is doubled, so that what is shown can be read back unambiguously.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\\\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\x1b' };

/** `text` with every character that could control the terminal or split a line shown as an escape. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (character) => NAMED[character] ?? escapeCodePoint(character));
}

function escapeCodePoint(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
