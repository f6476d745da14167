import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';
import { describeCmsError } from './cms-errors';

/** Result codes a modem sends of its own accord (TS 27.005 §3.4.1, TS 27.007); never part of a command's answer. */
const UNSOLICITED = /^(?:(?:\+CMTI|\+CDSI|\+CMT|\+CDS|\+CBM|\+CREG|\+CGREG|\+CEREG|\+CIEV|\+CRING|\^[A-Z]+):|RING$)/;
const FINAL_ERROR = /^(ERROR|\+CME ERROR:.*|\+CMS ERROR:.*)$/;
/** The most lines one answer may have: a full SIM listed by AT+CMGL is two lines a message, 255 messages at most. */
export const MAX_ANSWER_LINES = 520;

const CTRL_Z = '\u001a';
const ESCAPE = '\u001b';

export interface AtCommand {
  readonly command: string;
  readonly timeoutMs: number;
  /** What to send after the `> ` prompt (AT+CMGS), ended with Ctrl-Z. */
  readonly payload?: string;
  /** The code an ERROR answer is reported with; a refused AT+CMGS is the network's no, not a modem failure. */
  readonly failure?: SmsCarrierErrorCode;
  /** How errors name the command, when the command itself carries a secret (AT+CPIN with the PIN). */
  readonly label?: string;
}

interface Running extends AtCommand {
  readonly lines: string[];
  readonly resolve: (lines: string[]) => void;
  readonly reject: (error: SmsCarrierError) => void;
  readonly timer: NodeJS.Timeout;
  awaitingPrompt: boolean;
  overflowed: boolean;
}

/**
 * Runs AT commands one at a time, as a modem takes them: each waits for the final result
 * (OK or an error) of the one before, or gives up after its own timeout. Unsolicited
 * result codes that arrive meanwhile go to their listener rather than into the answer.
 */
export class AtSession {
  private readonly queue: (() => void)[] = [];
  private running: Running | undefined;
  private closedWith: SmsCarrierError | undefined;

  constructor(
    private readonly write: (data: string) => void,
    private readonly onUnsolicited: (line: string) => void,
  ) {}

  /** Resolves with the answer's lines, the final OK left out. */
  run(command: AtCommand): Promise<string[]> {
    return new Promise((resolve, reject) => {
      if (this.closedWith) return reject(this.closedWith);
      this.queue.push(() => this.start(command, resolve, reject));
      if (!this.running) this.next();
    });
  }

  /** Takes a line as the modem wrote it; answers keep their spaces (a text-mode message's text), codes are matched without. */
  receiveLine(raw: string): void {
    const line = raw.trim();
    if (UNSOLICITED.test(line)) return this.onUnsolicited(line);
    const running = this.running;
    // Lines outside any command, and the echo a modem sends before ATE0 takes hold, are noise.
    if (!running || line === running.command) return;
    if (line === 'OK') return this.finish(running, () => running.resolve(running.lines));
    if (FINAL_ERROR.test(line)) {
      const reason = line.startsWith('+CMS') ? describeCmsError(line) : line;
      return this.finish(running, () =>
        running.reject(new SmsCarrierError(running.failure ?? SmsCarrierErrorCode.CommandFailed, `${nameOf(running)} answered ${reason}`)),
      );
    }
    if (running.lines.length < MAX_ANSWER_LINES) running.lines.push(raw);
    else running.overflowed = true;
  }

  receivePrompt(): void {
    const running = this.running;
    if (!running?.awaitingPrompt) return;
    running.awaitingPrompt = false;
    this.write(running.payload + CTRL_Z);
  }

  /** Fails the running and queued commands, and every later one, with `error`. */
  close(error: SmsCarrierError): void {
    this.closedWith ??= error;
    const running = this.running;
    if (running) this.finish(running, () => running.reject(error));
    for (const start of this.queue.splice(0)) start();
  }

  private start(command: AtCommand, resolve: (lines: string[]) => void, reject: (error: SmsCarrierError) => void): void {
    if (this.closedWith) {
      reject(this.closedWith);
      return this.next();
    }
    const timer = setTimeout(() => this.timeOut(), command.timeoutMs);
    const awaitingPrompt = command.payload !== undefined;
    this.running = { ...command, lines: [], resolve, reject, timer, awaitingPrompt, overflowed: false };
    this.write(`${command.command}\r`);
  }

  private timeOut(): void {
    const running = this.running;
    if (!running) return;
    // Escape ends the message entry a modem may still be in, so the next command is heard.
    if (running.payload !== undefined) this.write(ESCAPE);
    this.finish(running, () =>
      running.reject(new SmsCarrierError(SmsCarrierErrorCode.Timeout, `${nameOf(running)} got no final result in ${running.timeoutMs} ms`)),
    );
  }

  private finish(running: Running, settle: () => void): void {
    clearTimeout(running.timer);
    this.running = undefined;
    if (running.overflowed) {
      running.reject(
        new SmsCarrierError(SmsCarrierErrorCode.MalformedInput, `${nameOf(running)} answered more than ${MAX_ANSWER_LINES} lines`),
      );
    } else {
      settle();
    }
    this.next();
  }

  private next(): void {
    if (this.running) return;
    this.queue.shift()?.();
  }
}

function nameOf(command: AtCommand): string {
  return command.label ?? command.command;
}
