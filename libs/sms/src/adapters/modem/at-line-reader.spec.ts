import { describe, expect, it } from 'vitest';
import { AtLineReader, MAX_AT_LINE_LENGTH } from './at-line-reader';

function reader() {
  const events: string[] = [];
  const lineReader = new AtLineReader(
    (line) => events.push(line),
    () => events.push('<prompt>'),
  );
  return { lineReader, events };
}

describe(AtLineReader.name, () => {
  it('splits lines at CR, LF or both, across chunks, skipping blank ones', () => {
    const { lineReader, events } = reader();
    lineReader.push('\r\n+CMGS: 4');
    lineReader.push('\r\n\r\nOK\r\nA\nB\r');
    expect(events).toEqual(['+CMGS: 4', 'OK', 'A', 'B']);
  });

  it('spots the prompt, which no line end follows, and a prompt sharing its line with an indication', () => {
    const { lineReader, events } = reader();
    lineReader.push('\r\n> ');
    lineReader.push('\r\n> +CMTI: "SM",3\r\n');
    expect(events).toEqual(['<prompt>', '<prompt>', '+CMTI: "SM",3']);
  });

  it('drops an overlong line whole, however many chunks it spans', () => {
    const { lineReader, events } = reader();
    for (let chunk = 0; chunk < 100; chunk++) lineReader.push('#'.repeat(MAX_AT_LINE_LENGTH));
    lineReader.push('tail of the long line\r\nOK\r\n');
    lineReader.push('x'.repeat(MAX_AT_LINE_LENGTH + 1) + '\r\nOK\r\n');
    expect(events).toEqual(['OK', 'OK']);
    expect(lineReader.dropped).toBe(2);
  });
});
