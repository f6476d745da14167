import { type PhoneNumber, type SmsPart, decodeSmsSubmit, encodeSmsDeliver, septetsToText, textToSeptets } from '@coming/sms';
import type { GsmNetwork } from './gsm-network';

const CTRL_Z = '\u001a';
const ESCAPE = '\u001b';
/** The most a line or a message typed after the prompt may hold: a real modem's buffer is about this size. */
const MAX_INPUT = 1024;
const MAX_WRONG_PINS = 3;

/** A stored SMS-DELIVER; `sent` is what the network knew of it, absent for one stored raw (see storeRaw). */
interface StoredMessage {
  readonly pdu: Uint8Array;
  readonly sent?: { readonly from: PhoneNumber; readonly part: SmsPart; readonly at: Date };
  read: boolean;
}

type Entry = { readonly kind: 'command' } | { readonly kind: 'message'; readonly command: string };

/**
 * The modem side of an AT-command GSM modem (3GPP TS 27.005) in PDU and text mode: takes
 * command lines, answers them through `output`, stores what the network delivers in numbered
 * slots and announces it with +CMTI once AT+CNMI asks for that.
 */
export class SimulatedModem {
  private input = '';
  private entry: Entry = { kind: 'command' };
  private echo = true;
  private textMode = false;
  private indications = false;
  private messageReference = 0;
  private readonly slots = new Map<number, StoredMessage>();
  /** The SIM's PIN while it is locked; undefined once unlocked (or for a SIM without one). */
  private lockedBy: string | undefined;
  /** A SIM just unlocked answers "SIM busy" to this many storage commands, as real ones do while they read their files. */
  private busyAnswers = 0;
  /** Wrong PINs given; the third blocks the SIM until its PUK, which this simulator never takes. */
  private wrongPins = 0;

  constructor(
    readonly number: PhoneNumber,
    private readonly network: GsmNetwork,
    private readonly output: (data: string) => void,
    private readonly capacity: number,
    pin?: string,
  ) {
    this.lockedBy = pin;
  }

  /** Stores a message from the network; false when every slot is taken. */
  receive(from: PhoneNumber, part: SmsPart): boolean {
    const at = new Date();
    return this.store({ pdu: encodeSmsDeliver(from, part, at), sent: { from, part, at }, read: false });
  }

  /**
   * Stores an SMS-DELIVER as given, well-formed or not, as a hostile or broken network could
   * deliver it. Text mode shows it as 8-bit data from an unknown sender.
   */
  storeRaw(pdu: Uint8Array): boolean {
    return this.store({ pdu, read: false });
  }

  private store(message: StoredMessage): boolean {
    let index = 1;
    while (this.slots.has(index)) index++;
    if (index > this.capacity) return false;
    this.slots.set(index, message);
    if (this.indications) this.output(`\r\n+CMTI: "SM",${index}\r\n`);
    return true;
  }

  get storedCount(): number {
    return this.slots.size;
  }

  feed(data: string): void {
    for (const character of data) {
      if (this.entry.kind === 'message') this.typeMessage(this.entry.command, character);
      else if (character === '\r') this.endLine();
      else if (character !== '\n' && this.input.length < MAX_INPUT) this.input += character;
    }
  }

  private endLine(): void {
    const line = this.input.trim();
    this.input = '';
    if (this.echo) this.output(`${line}\r`);
    if (line.length === 0) return;
    if (/^AT\+CMGS=/i.test(line)) {
      this.entry = { kind: 'message', command: line };
      return this.output('\r\n> ');
    }
    this.output(this.answer(line));
  }

  private typeMessage(command: string, character: string): void {
    if (character === ESCAPE) {
      this.entry = { kind: 'command' };
      this.input = '';
      return this.output('\r\nOK\r\n');
    }
    if (character !== CTRL_Z) {
      if (this.input.length < MAX_INPUT) this.input += character;
      return;
    }
    const typed = this.input;
    this.entry = { kind: 'command' };
    this.input = '';
    this.output(this.submit(command, typed));
  }

  private submit(command: string, typed: string): string {
    let submitted: { to: string; part: SmsPart };
    try {
      submitted = this.textMode ? this.readTextSubmit(command, typed) : this.readPduSubmit(command, typed);
    } catch {
      return final(this.textMode ? '+CMS ERROR: 305' : '+CMS ERROR: 304');
    }
    const outcome = this.network.submit(this.number, submitted.to, submitted.part);
    if (outcome === 'unknown-number') return final('+CMS ERROR: 1');
    this.messageReference = (this.messageReference + 1) % 256;
    return `\r\n+CMGS: ${this.messageReference}\r\n` + final('OK');
  }

  private readPduSubmit(command: string, hex: string): { to: string; part: SmsPart } {
    const octets = Uint8Array.from(Buffer.from(hex.trim(), 'hex'));
    const declared = Number(command.slice('AT+CMGS='.length));
    // The length AT+CMGS names excludes the SMSC address field in front of the TPDU.
    if (octets.length * 2 !== hex.trim().length || declared !== octets.length - 1 - octets[0]!) throw new Error('length mismatch');
    const decoded = decodeSmsSubmit(octets);
    if (decoded.kind !== 'part') throw new Error(decoded.reason);
    return { to: decoded.to, part: decoded.part };
  }

  private readTextSubmit(command: string, typed: string): { to: string; part: SmsPart } {
    const to = /^AT\+CMGS="(\+?[0-9]{1,20})"(,145|,129)?$/i.exec(command)?.[1];
    if (to === undefined) throw new Error('bad destination');
    return { to, part: { body: { coding: 'gsm7', text: septetsToText(Array.from(typed, (character) => character.charCodeAt(0))) } } };
  }

  private answer(line: string): string {
    const command = line.toUpperCase();
    if (command === 'AT') return final('OK');
    if (command === 'ATE0' || command === 'ATE1') {
      this.echo = command === 'ATE1';
      return final('OK');
    }
    if (/^AT\+CMEE=[012]$/.test(command)) return final('OK');
    if (command === 'AT+CPIN?') return `\r\n+CPIN: ${this.simState()}\r\n` + final('OK');
    const pin = /^AT\+CPIN="([0-9]{4,8})"$/.exec(command)?.[1];
    if (pin !== undefined) return this.unlock(pin);
    // TS 27.007 §9.2: 11, SIM PIN required.
    if (this.lockedBy !== undefined) return final('+CME ERROR: 11');
    if (this.busyAnswers > 0 && command.startsWith('AT+CPMS=')) {
      this.busyAnswers -= 1;
      return final('+CMS ERROR: 314');
    }
    if (command === 'AT+CMGF=0' || command === 'AT+CMGF=1') {
      this.textMode = command === 'AT+CMGF=1';
      return final('OK');
    }
    if (command === 'AT+CNMI=2,1,0,0,0') {
      this.indications = true;
      return final('OK');
    }
    if (/^AT\+(CSCS="GSM"|CSDH=[01]|CSMP=[0-9,]+)$/.test(command)) return final('OK');
    if (/^AT\+CPMS="SM","SM","SM"$/.test(command)) {
      const usage = `${this.slots.size},${this.capacity}`;
      return `\r\n+CPMS: ${usage},${usage},${usage}\r\n` + final('OK');
    }
    const read = /^AT\+CMGR=(\d+)$/.exec(command);
    if (read) return this.readSlot(Number(read[1]));
    if (command === (this.textMode ? 'AT+CMGL="ALL"' : 'AT+CMGL=4')) return this.list();
    const remove = /^AT\+CMGD=(\d+)$/.exec(command);
    if (remove) {
      this.slots.delete(Number(remove[1]));
      return final('OK');
    }
    return final('ERROR');
  }

  private simState(): string {
    if (this.lockedBy === undefined) return 'READY';
    return this.wrongPins < MAX_WRONG_PINS ? 'SIM PIN' : 'SIM PUK';
  }

  /** TS 27.007 §9.2 codes: 3 operation not allowed, 12 SIM PUK required, 16 incorrect password. */
  private unlock(pin: string): string {
    if (this.lockedBy === undefined) return final('+CME ERROR: 3');
    if (this.wrongPins >= MAX_WRONG_PINS) return final('+CME ERROR: 12');
    if (pin !== this.lockedBy) {
      this.wrongPins += 1;
      return final('+CME ERROR: 16');
    }
    this.lockedBy = undefined;
    this.busyAnswers = 2;
    return final('OK');
  }

  private readSlot(index: number): string {
    const message = this.slots.get(index);
    if (!message) return final('OK');
    const shown = this.show('+CMGR:', message);
    message.read = true;
    return `\r\n${shown}\r\n` + final('OK');
  }

  private list(): string {
    const entries = [...this.slots].map(([index, message]) => {
      const shown = this.show(`+CMGL: ${index},`, message);
      message.read = true;
      return `\r\n${shown}`;
    });
    return entries.join('') + '\r\n' + final('OK');
  }

  /** A stored message as AT+CMGR or AT+CMGL shows it: a header line, then the PDU or (in text mode) the data. */
  private show(prefix: string, message: StoredMessage): string {
    const hex = (octets: Uint8Array) => Buffer.from(octets).toString('hex').toUpperCase();
    if (!this.textMode) return `${prefix} ${message.read ? 1 : 0},,${message.pdu.length - 1 - message.pdu[0]!}\r\n${hex(message.pdu)}`;
    const { from, part, at } = message.sent ?? { from: '', part: { body: { coding: 'binary', bytes: message.pdu } }, at: new Date(0) };
    const { body, udh } = part;
    const status = message.read ? '"REC READ"' : '"REC UNREAD"';
    const firstOctet = udh ? 0x44 : 0x04;
    const data =
      body.coding === 'gsm7' && !udh
        ? String.fromCharCode(...textToSeptets(body.text))
        : hex(body.coding === 'gsm7' ? Buffer.from(body.text) : body.bytes);
    const header = `${status},"${from}",,"${stamp(at)}",145,${firstOctet},0,${body.coding === 'gsm7' ? 0 : 4},"+000",145,${data.length}`;
    return `${prefix}${prefix.endsWith(',') ? '' : ' '}${header}\r\n${data}`;
  }
}

function final(result: string): string {
  return `\r\n${result}\r\n`;
}

function stamp(at: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(at.getUTCFullYear() % 100)}/${two(at.getUTCMonth() + 1)}/${two(at.getUTCDate())},${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())}+00`;
}
