/** The longest line kept: a PDU line is at most 2 × 176 hex digits, a text-mode header under 200 characters. */
export const MAX_AT_LINE_LENGTH = 1024;

/** The prompt `AT+CMGS` waits for before the message (3GPP TS 27.005 §3.5.1): no line end follows it. */
const PROMPT = '> ';

/**
 * Splits what a modem writes into lines, and spots the send prompt. A line longer than the
 * limit is dropped whole, up to its end, so a modem (or cable) streaming garbage cannot grow
 * memory; `dropped` counts such lines.
 */
export class AtLineReader {
  private buffer = '';
  private discarding = false;
  dropped = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onPrompt: () => void,
  ) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let start = 0;
    for (let end = this.lineEnd(start); end >= 0; end = this.lineEnd(start)) {
      const line = this.buffer.slice(start, end);
      start = end + 1;
      if (this.discarding) this.discarding = false;
      else if (line.length > MAX_AT_LINE_LENGTH) this.dropped++;
      else this.take(line);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer === PROMPT) {
      this.buffer = '';
      this.onPrompt();
    } else if (this.buffer.length > MAX_AT_LINE_LENGTH) {
      this.buffer = '';
      if (!this.discarding) this.dropped++;
      this.discarding = true;
    }
  }

  /**
   * A prompt can share its line with what follows it: a modem may announce a new message
   * (+CMTI) right after the prompt, before the message is typed.
   */
  private take(line: string): void {
    const rest = line.startsWith(PROMPT) ? line.slice(PROMPT.length) : line;
    if (rest !== line) this.onPrompt();
    if (rest.trim().length > 0) this.onLine(rest);
  }

  private lineEnd(from: number): number {
    const carriageReturn = this.buffer.indexOf('\r', from);
    const lineFeed = this.buffer.indexOf('\n', from);
    if (carriageReturn < 0) return lineFeed;
    return lineFeed < 0 ? carriageReturn : Math.min(carriageReturn, lineFeed);
  }
}
