import { ComingClient, MemoryClientStore, type ReceivedMessage, type SendReport } from '@coming/client';
import { deserializeSessionRecord } from '@coming/signal';
import { gsm7Octets, type PhoneNumber, type SmsCarrier, type SmsMessageMode } from '@coming/sms';
import { eventually, type TestStack } from '@coming/testing';
import { expect } from 'vitest';
import type { SmsNetwork } from './sms-networks';

/** Short, so that `auto` turns to SMS soon after the stack is gone; the tests wait for events, never for this. */
const OUTAGE_MS = 300;

export type Via = ReceivedMessage['via'];

export interface Person {
  readonly phone: PhoneNumber;
  readonly client: ComingClient;
  readonly store: MemoryClientStore;
  readonly carrier: SmsCarrier;
  readonly received: ReceivedMessage[];
  /** What `say` sent this person, in order: what `received` must be, exactly. */
  readonly expected: { text: string; via: Via }[];
  readonly errors: Error[];
}

export interface PersonOptions {
  /** Puts something between the client and its phone. */
  readonly wrap?: (carrier: SmsCarrier) => SmsCarrier;
  readonly mode?: SmsMessageMode;
}

/** A long text (several SMS parts once encrypted), in GSM 7-bit characters so that any GSM form of it can be searched for. */
export const longText = (label: string) =>
  `${label}: ${'we keep talking while the server is down, still end to end encrypted. '.repeat(7)}`.slice(0, 500);

/**
 * The SMS scenario on one scaled stack and one simulated SMS network: people with a
 * client and a phone each, messages said and checked on arrival, and the checks at the end
 * (exact lists, the same sessions, nothing left for the server, no plaintext on the network).
 */
export class SmsScenario<Network extends SmsNetwork = SmsNetwork> {
  readonly people: Person[] = [];

  constructor(
    private readonly stack: TestStack,
    readonly network: Network,
  ) {}

  async person(phone: PhoneNumber, { wrap = (carrier) => carrier, mode = 'text' }: PersonOptions = {}): Promise<Person> {
    const store = new MemoryClientStore();
    const carrier = wrap(await this.network.phone(phone));
    const client = await ComingClient.create({
      store,
      server: this.stack.gatewayUrl(0),
      sms: { carrier, ownNumber: phone, outageMs: OUTAGE_MS, mode },
    });
    const created: Person = { phone, client, store, carrier, received: [], expected: [], errors: [] };
    client.onMessage((message) => created.received.push(message));
    client.onError((error) => created.errors.push(error));
    this.people.push(created);
    await client.register();
    return created;
  }

  /** Sends, and waits until `to` shows the message, from `from`, brought by `via`. */
  async say(from: Person, to: Person, text: string, via: Via): Promise<SendReport> {
    const report = await from.client.send(to.client.accountId, text);
    const shown = await this.shown(to, text);
    expect({ via: shown.via, from: shown.from }, `how "${text.slice(0, 30)}…" came`).toEqual({ via, from: from.client.accountId });
    to.expected.push({ text, via });
    return report;
  }

  /** Resolves with the message once `to` shows one with `text`. */
  async shown(to: Person, text: string): Promise<ReceivedMessage> {
    await eventually(() => to.received.some((message) => message.text === text), `a message "${text.slice(0, 30)}…"`);
    return to.received.find((message) => message.text === text)!;
  }

  /** Each sets the other's phone as its route. */
  async routeEachOther(a: Person, b: Person): Promise<void> {
    await a.client.sms.setRoute(b.client.accountId, { phone: b.phone });
    await b.client.sms.setRoute(a.client.accountId, { phone: a.phone });
  }

  /** Resolves once each of `people` saw its connection close. */
  connectionsClosed(people: readonly Person[]): Promise<unknown> {
    return Promise.all(people.map(({ client }) => new Promise((resolve) => client.onConnectionClosed(resolve))));
  }

  /** The current Signal session of `person` with `contact`'s device 1: its base key and how many states it archived. */
  async session({ store }: Person, contact: Person) {
    const record = (await store.load())?.signal?.sessions[`${contact.client.accountId}.1`];
    if (record === undefined) return undefined;
    const session = deserializeSessionRecord(Buffer.from(record, 'base64'));
    return { baseKey: Buffer.from(session.currentState!.baseKey).toString('hex'), archived: session.previousStates.length };
  }

  /**
   * Waits until every copy kept for the server while it was down reached it, and every copy
   * the server took for these people reached its device and was acknowledged: the lists
   * checked at the end saw the server's copies too.
   */
  async serverCaughtUp(): Promise<void> {
    for (const { store } of this.people)
      await eventually(async () => ((await store.load())?.serverBacklog?.length ?? 0) === 0, 'the kept copies to reach the server');
    const accounts = this.people.map(({ client }) => client.accountId);
    await eventually(
      async () =>
        (await this.stack.query<{ count: string }>('SELECT count(*) FROM envelopes WHERE account_id = ANY($1)', [accounts]))[0]?.count ===
        '0',
      'the mailbox to be empty',
    );
  }

  /** Each person received exactly what was said to them, in order: nothing lost, nothing twice, nothing else. */
  expectExactLists(): void {
    for (const person of this.people)
      expect(
        person.received.map(({ text, via }) => ({ text, via })),
        `what ${person.phone} received over ${this.network.name}`,
      ).toEqual(person.expected);
  }

  /**
   * The network saw ciphertext only: no 12-character window of any plaintext said (and of
   * `unsaid`, sent but never shown) in any part, as UTF-8, GSM 7-bit octets or base64, nor
   * in the text the parts read as.
   */
  expectNoPlaintext(unsaid: readonly string[] = []): void {
    const crossed = this.network.crossed();
    const texts = crossed.map(({ text }) => text);
    const plaintexts = [...this.people.flatMap(({ expected }) => expected.map(({ text }) => text)), ...unsaid];
    for (const plaintext of plaintexts) {
      for (let start = 0; start + 12 <= plaintext.length; start += 40) {
        const window = plaintext.slice(start, start + 12);
        const forms = [Buffer.from(window, 'utf8'), gsm7Octets(window)!, Buffer.from(Buffer.from(window).toString('base64').slice(0, 12))];
        for (const form of forms)
          expect(
            crossed.some(({ octets }) => Buffer.from(octets).includes(form)),
            `"${window}" over ${this.network.name}`,
          ).toBe(false);
        expect(
          texts.some((text) => text.includes(window)),
          `"${window}" over ${this.network.name}`,
        ).toBe(false);
      }
    }
  }

  /** Closes the clients, their phones, then the network. */
  async close(): Promise<void> {
    await Promise.all(this.people.map(({ client }) => client.close()));
    await Promise.all(this.people.map(({ carrier }) => carrier.close()));
    await this.network.stop();
  }
}
