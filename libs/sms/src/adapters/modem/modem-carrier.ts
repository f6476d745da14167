import { setTimeout as sleep } from 'node:timers/promises';
import type { SerialPort } from 'serialport';
import type { PhoneNumber, SmsCarrier, SmsPartListener } from '../../sms-carrier';
import type { SmsPart } from '../../sms-part';
import { checkPhoneNumber } from '../phone-number';
import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';
import { AtLineReader } from './at-line-reader';
import { type AtCommand, AtSession } from './at-session';
import { type ModemSettings, parseModemUrl } from './modem-url';
import { TEXT_MODE_PARAMETERS, parseTextModeMessage, textModePayload, textModeSendCommand } from './modem-text-mode';
import { hexFromOctets, octetsFromHex } from './pdu-reader';
import type { DecodedUserData } from './pdu-user-data';
import { decodeSmsDeliver } from './sms-deliver-pdu';
import { encodeSmsSubmit } from './sms-submit-pdu';

export interface ModemCarrierOptions {
  /** How long a command may take; 10 s. */
  readonly commandTimeoutMs?: number;
  /** How long AT+CMGS may take, as the modem waits for the network; 60 s. */
  readonly sendTimeoutMs?: number;
  /**
   * Told about each stored message read and deleted without becoming a part (a PDU that
   * does not parse, UCS2 text outside the GSM alphabet…) and each failed read; by default
   * written to the console.
   */
  readonly onDiscard?: (reason: string) => void;
}

/** Slots waiting to be read: past this, further +CMTI are not queued, and a listing (AT+CMGL) finds them later. */
const MAX_PENDING_READS = 256;
const NEW_MESSAGE = /^\+CMTI:\s*"[A-Z]{2}",\s*(\d{1,5})$/;
const LISTED = /^\+CMGL:\s*(\d{1,5}),/;
const SIM_STATE = /^\+CPIN:\s*(.+)$/;
/** A SIM just unlocked reads its storage for a while and answers "SIM busy" meanwhile (TS 27.005 §3.2.5, TS 27.007 §9.2). */
const SIM_BUSY = /\+CMS ERROR:\s*314\b|\+CME ERROR:\s*(14|SIM busy)\b/i;
const SIM_BUSY_RETRY_MS = 500;
const SIM_BUSY_TRIES = 20;

/**
 * An AT-command GSM modem on a serial port as an SMS carrier (3GPP TS 27.005). Messages the
 * modem stores are read, handed to the listener and deleted once it has them safe: on
 * `+CMTI` indications, and all those already stored when the listener registers, so that
 * nothing sent while the client was down is lost. Every stored message is deleted once
 * taken, a foreign one too, or the storage would fill up: the modem should be one given to
 * Coming. One the listener fails to keep stays stored, for the next start.
 */
export class ModemCarrier implements SmsCarrier {
  private listener: SmsPartListener | undefined;
  private readonly pendingReads = new Set<number>();
  private reading = false;
  private listingWanted = false;

  private readonly session: AtSession;

  private constructor(
    private readonly settings: ModemSettings,
    private readonly port: SerialPort,
    private readonly options: Required<ModemCarrierOptions>,
  ) {
    this.session = new AtSession(
      (data) => port.write(Buffer.from(data, 'latin1')),
      (line) => this.unsolicited(line),
    );
    const reader = new AtLineReader(
      (line) => this.session.receiveLine(line),
      () => this.session.receivePrompt(),
    );
    port.on('data', (chunk: Buffer) => reader.push(chunk.toString('latin1')));
    port.on('close', () => this.session.close(new SmsCarrierError(SmsCarrierErrorCode.Closed, `${settings.path} closed`)));
  }

  /** Opens `serial:///dev/ttyUSB0?baud=115200&mode=pdu|text&storage=SM|ME|MT&pin=1234` and sets the modem up, unlocking the SIM with the PIN if it asks. */
  static async open(url: string, options: ModemCarrierOptions = {}): Promise<ModemCarrier> {
    const settings = parseModemUrl(url);
    // Loaded here, not with the module: its native binding is needed only where a modem is,
    // and a one-file bundle of the CLI leaves it out.
    const { SerialPort: Port } = await import('serialport');
    const port = new Port({ path: settings.path, baudRate: settings.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error
          ? reject(new SmsCarrierError(SmsCarrierErrorCode.Unavailable, `cannot open ${settings.path}: ${error.message}`, { cause: error }))
          : resolve(),
      ),
    );
    const carrier = new ModemCarrier(settings, port, {
      commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
      sendTimeoutMs: options.sendTimeoutMs ?? 60_000,
      onDiscard: options.onDiscard ?? ((reason) => console.warn(`SMS modem ${settings.path}: ${reason}`)),
    });
    try {
      await carrier.initialize();
    } catch (error) {
      await carrier.close();
      throw error;
    }
    return carrier;
  }

  async send(to: PhoneNumber, parts: readonly SmsPart[]): Promise<void> {
    checkPhoneNumber(to, 'destination');
    // Every part is checked before the first goes, so a bad one sends nothing.
    const commands = parts.map((part): AtCommand => {
      const failure = SmsCarrierErrorCode.SendRejected;
      const timeoutMs = this.options.sendTimeoutMs;
      if (this.settings.mode === 'text') return { command: textModeSendCommand(to), payload: textModePayload(part), timeoutMs, failure };
      const pdu = encodeSmsSubmit(to, part);
      return { command: `AT+CMGS=${pdu.tpduLength}`, payload: hexFromOctets(pdu.octets), timeoutMs, failure };
    });
    for (const command of commands) await this.session.run(command);
  }

  /** Registers the listener and reads every message already stored. */
  onPart(listener: SmsPartListener): void {
    this.listener = listener;
    this.listingWanted = true;
    this.readPending();
  }

  async close(): Promise<void> {
    this.session.close(new SmsCarrierError(SmsCarrierErrorCode.Closed, `the modem carrier on ${this.settings.path} was closed`));
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private async initialize(): Promise<void> {
    const { mode, storage } = this.settings;
    for (const command of ['AT', 'ATE0', 'AT+CMEE=1']) await this.run(command);
    await this.unlockSim();
    const setup = [
      mode === 'pdu' ? 'AT+CMGF=0' : 'AT+CMGF=1',
      ...(mode === 'text' ? ['AT+CSCS="GSM"', 'AT+CSDH=1', TEXT_MODE_PARAMETERS] : []),
      `AT+CPMS="${storage}","${storage}","${storage}"`,
      // New messages are stored and announced with +CMTI, not pushed whole (TS 27.005 §3.4.1).
      'AT+CNMI=2,1,0,0,0',
    ];
    for (const command of setup) await this.whileSimBusy(() => this.run(command));
  }

  /**
   * Gives a SIM locked by its PIN the one in the URL. Once per open, and never after a
   * refusal: three wrong PINs block the SIM until its PUK is entered.
   */
  private async unlockSim(): Promise<void> {
    // A modem that cannot tell is taken as unlocked; a locked SIM then fails the next commands with "SIM PIN required".
    const answer = await this.run('AT+CPIN?').catch((error: unknown) => {
      if (error instanceof SmsCarrierError && error.code === SmsCarrierErrorCode.CommandFailed) return [];
      throw error;
    });
    const state = answer.map((line) => SIM_STATE.exec(line.trim())?.[1]).find((found) => found !== undefined);
    if (state === undefined || state === 'READY') return;
    if (state !== 'SIM PIN')
      throw new SmsCarrierError(
        SmsCarrierErrorCode.Unavailable,
        `the SIM asks for ${state}, which only a phone can give it: unlock it there first`,
      );
    const { pin } = this.settings;
    if (pin === undefined)
      throw new SmsCarrierError(
        SmsCarrierErrorCode.InvalidConfig,
        'the SIM is locked by a PIN: give it in the URL, as in serial:///dev/ttyUSB0?pin=1234',
      );
    try {
      await this.session.run({ command: `AT+CPIN="${pin}"`, label: 'AT+CPIN with the PIN', timeoutMs: this.options.commandTimeoutMs });
    } catch (error) {
      if (!(error instanceof SmsCarrierError) || error.code !== SmsCarrierErrorCode.CommandFailed) throw error;
      throw new SmsCarrierError(
        SmsCarrierErrorCode.InvalidConfig,
        `the SIM refused the PIN in the URL (${error.message}); not tried again, since three wrong PINs block it`,
        { cause: error },
      );
    }
  }

  private async whileSimBusy<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof SmsCarrierError && SIM_BUSY.test(error.message)) || tries === SIM_BUSY_TRIES) throw error;
        await sleep(SIM_BUSY_RETRY_MS);
      }
    }
  }

  private unsolicited(line: string): void {
    const index = NEW_MESSAGE.exec(line)?.[1];
    if (index === undefined || !this.listener) return;
    if (this.pendingReads.size < MAX_PENDING_READS) this.pendingReads.add(Number(index));
    else this.listingWanted = true;
    this.readPending();
  }

  /** Reads, hands on and deletes the pending slots one by one; one loop at a time. */
  private readPending(): void {
    if (this.reading) return;
    this.reading = true;
    this.drain()
      .catch((error: unknown) => {
        if (!(error instanceof SmsCarrierError && error.code === SmsCarrierErrorCode.Closed))
          this.options.onDiscard(`reading stopped: ${String(error)}`);
      })
      .finally(() => {
        this.reading = false;
        // Work that came in as the loop ended is not left waiting for the next indication.
        if (this.listener && (this.pendingReads.size > 0 || this.listingWanted)) this.readPending();
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.listingWanted) {
        this.listingWanted = false;
        const lines = await this.run(this.settings.mode === 'pdu' ? 'AT+CMGL=4' : 'AT+CMGL="ALL"');
        for (const line of lines) {
          const index = LISTED.exec(line)?.[1];
          if (index !== undefined) this.pendingReads.add(Number(index));
        }
      }
      const [index] = this.pendingReads;
      if (index === undefined) return;
      this.pendingReads.delete(index);
      await this.readSlot(index);
    }
  }

  private async readSlot(index: number): Promise<void> {
    let message: ({ readonly from: string } & DecodedUserData) | undefined;
    try {
      message = this.parseMessage(await this.run(`AT+CMGR=${index}`));
    } catch (error) {
      if (!(error instanceof SmsCarrierError) || error.code === SmsCarrierErrorCode.Closed) throw error;
      this.options.onDiscard(`slot ${index}: ${error.message}`);
    }
    if (message?.kind === 'part') {
      if (!(await this.handOn(index, message.from, message.part))) return;
    } else if (message) {
      this.options.onDiscard(`slot ${index}, from ${message.from}: ${message.reason}`);
    }
    await this.run(`AT+CMGD=${index}`);
  }

  /**
   * True once the listener has the part safe. A listener that fails leaves the message stored,
   * to be read at the next start (the listing when a listener registers); reading goes on.
   */
  private async handOn(index: number, from: string, part: SmsPart): Promise<boolean> {
    try {
      await this.listener?.(from, part);
      return true;
    } catch (error) {
      this.options.onDiscard(`slot ${index}: not taken, kept in storage: ${String(error)}`);
      return false;
    }
  }

  private parseMessage(lines: string[]): ({ readonly from: string } & DecodedUserData) | undefined {
    if (this.settings.mode === 'text') return parseTextModeMessage(lines);
    const headerAt = lines.findIndex((line) => line.startsWith('+CMGR:'));
    if (headerAt < 0) return undefined;
    // The PDU is the first hex line after the header: a stray line in between is skipped, not taken for it.
    const pdu = lines
      .slice(headerAt + 1)
      .map((line) => line.trim())
      .find((line) => /^[0-9A-Fa-f]+$/.test(line));
    if (pdu === undefined) throw new SmsCarrierError(SmsCarrierErrorCode.MalformedInput, 'the +CMGR answer holds no PDU line');
    return decodeSmsDeliver(octetsFromHex(pdu));
  }

  private run(command: string): Promise<string[]> {
    return this.session.run({ command, timeoutMs: this.options.commandTimeoutMs });
  }
}
