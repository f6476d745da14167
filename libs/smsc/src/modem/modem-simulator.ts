import type { PhoneNumber } from '@coming/sms';
import type { GsmNetwork } from './gsm-network';
import { PtyRelay } from './pty-relay';
import { SimulatedModem } from './simulated-modem';

export interface ModemSimulatorOptions {
  readonly network: GsmNetwork;
  /** This modem's SIM's number, by which the network routes to it. */
  readonly number: PhoneNumber;
  /** Message slots; 30, a common SIM's size. */
  readonly capacity?: number;
  /** A PIN the SIM is locked by until AT+CPIN gives it; none by default. */
  readonly pin?: string;
}

/**
 * A GSM modem on a real pseudo-terminal: a carrier opens `path` as it would /dev/ttyUSB0 and
 * talks AT commands to a SimulatedModem attached to the network under `number`.
 */
export class ModemSimulator {
  private constructor(
    private readonly relay: PtyRelay,
    private readonly modem: SimulatedModem,
    private readonly network: GsmNetwork,
  ) {}

  static async start({ network, number, capacity = 30, pin }: ModemSimulatorOptions): Promise<ModemSimulator> {
    const relay = await PtyRelay.start();
    const modem = new SimulatedModem(number, network, (data) => relay.write(data), capacity, pin);
    relay.onData((data) => modem.feed(data));
    network.attach(number, modem);
    return new ModemSimulator(relay, modem, network);
  }

  /** The terminal to open, as in `serial://<path>`. */
  get path(): string {
    return this.relay.path;
  }

  get number(): PhoneNumber {
    return this.modem.number;
  }

  /** Messages in storage, not yet deleted. */
  get storedCount(): number {
    return this.modem.storedCount;
  }

  /** Stores an SMS-DELIVER PDU as given, as a hostile or broken network could deliver it; false when storage is full. */
  storeRaw(pdu: Uint8Array): boolean {
    return this.modem.storeRaw(pdu);
  }

  /** Writes raw characters down the line, as a noisy modem or cable would. */
  writeRaw(data: string): void {
    this.relay.write(data);
  }

  async stop(): Promise<void> {
    this.network.detach(this.modem.number);
    await this.relay.stop();
  }
}
