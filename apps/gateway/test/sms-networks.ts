import {
  gsm7Octets,
  gsm7Text,
  HttpCarrier,
  ModemCarrier,
  type PhoneNumber,
  SmppCarrier,
  type SmsBody,
  type SmsCarrier,
  type SmsPartJson,
} from '@coming/sms';
import { GsmNetwork, HttpGatewaySimulator, ModemSimulator, type Smsc, startSmsc } from '@coming/smsc';
import { randomBytes } from 'node:crypto';

/** One SMS part as it crossed the network: its body's octets, and the GSM text those octets read as. */
export interface CrossedPart {
  readonly from: PhoneNumber;
  readonly to: PhoneNumber;
  readonly octets: Uint8Array;
  readonly text: string;
}

/** A simulated SMS network: phones on it for the SDK, and what an eavesdropper on it saw. */
export interface SmsNetwork {
  readonly name: string;
  /** A carrier for `number`, ready to send and receive. */
  phone(number: PhoneNumber): Promise<SmsCarrier>;
  /** Every part that crossed, oldest first. */
  crossed(): readonly CrossedPart[];
  /** Stops the simulators; close the phones first. */
  stop(): Promise<void>;
}

export interface SmppNetwork extends SmsNetwork {
  readonly smsc: Smsc;
}

/** A local SMSC, each phone an SMPP account bound to it. */
export async function smppNetwork(): Promise<SmppNetwork> {
  const smsc = await startSmsc({ accounts: 'open' });
  return {
    name: 'SMPP',
    smsc,
    phone: (number) => SmppCarrier.connect({ url: smsc.url.replace('smpp://', 'smpp://esme:x@'), ownNumber: number }),
    // The SMSC logs the short message's octets as they were on the wire, whatever their coding.
    crossed: () =>
      smsc
        .log()
        .filter(({ kind }) => kind === 'message')
        .map(({ from, to, bodyHex }) => {
          const octets = Buffer.from(bodyHex, 'hex');
          return { from, to, octets, text: gsm7Text(octets) };
        }),
    stop: () => smsc.stop(),
  };
}

/** A GSM network, each phone a modem simulator on a pseudo-terminal driven in PDU mode, the mode that carries concatenation headers. */
export function modemNetwork(): SmsNetwork {
  const network = new GsmNetwork();
  const modems: ModemSimulator[] = [];
  return {
    name: 'GSM modem',
    phone: async (number) => {
      const modem = await ModemSimulator.start({ network, number });
      modems.push(modem);
      return ModemCarrier.open(`serial://${modem.path}?mode=pdu`);
    },
    crossed: () => network.log.map(({ from, to, part }) => ({ from, to, ...crossedBody(part.body) })),
    stop: async () => void (await Promise.all(modems.map((modem) => modem.stop()))),
  };
}

/** A local HTTP SMS gateway, each phone an account on it with its own webhook. */
export async function httpNetwork(): Promise<SmsNetwork> {
  const gateway = await HttpGatewaySimulator.start();
  return {
    name: 'HTTP gateway',
    phone: async (number) => {
      const secret = randomBytes(16).toString('hex');
      const carrier = await HttpCarrier.open({
        gatewayUrl: gateway.addAccount({ user: number, password: `pw-${number}`, number, webhookSecret: secret }),
        webhook: { secret },
      });
      gateway.setWebhook(number, carrier.webhookUrl);
      return carrier;
    },
    crossed: () => gateway.log.flatMap(({ from, to, parts }) => parts.map((part) => ({ from, to, ...crossedBody(bodyOfJson(part)) }))),
    stop: () => gateway.stop(),
  };
}

function bodyOfJson(part: SmsPartJson): SmsBody {
  return part.coding === 'gsm7' ? { coding: 'gsm7', text: part.text } : { coding: 'binary', bytes: Buffer.from(part.hex, 'hex') };
}

/** A body as the SMSC's log has it: GSM text as its unpacked 7-bit octets, 8-bit data as it is. */
function crossedBody(body: SmsBody): Pick<CrossedPart, 'octets' | 'text'> {
  if (body.coding === 'binary') return { octets: body.bytes, text: gsm7Text(body.bytes) };
  const octets = gsm7Octets(body.text);
  if (octets === undefined) throw new Error(`a text part crossed with characters outside the GSM alphabet: ${JSON.stringify(body.text)}`);
  return { octets, text: body.text };
}
