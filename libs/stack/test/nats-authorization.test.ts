import {
  BrokerErrorCode,
  NATS_SERVICES,
  NatsBroker,
  natsAuthorizationConfig,
  type NatsService,
  type NatsUser,
  subjectPatterns,
  subjects,
} from '@coming/broker';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsServerProcess } from '../src/nats-server-process';

const PREFIX = `test.permissions.${randomBytes(4).toString('hex')}`;
const ACCOUNT = 'coming1victim';
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

// Each service's own user, as `npm run stack` and the chart set them up.
const users = Object.fromEntries(
  NATS_SERVICES.map((service) => [service, { user: `${PREFIX}-${service}`, password: randomBytes(24).toString('base64url') }]),
) as Record<NatsService, NatsUser>;

describe('NATS authorization (natsAuthorizationConfig on a real nats-server)', () => {
  let server: NatsServerProcess;
  const opened: { close(): Promise<unknown> }[] = [];

  const broker = async (service: NatsService) => {
    const { user, password } = users[service];
    const connected = await NatsBroker.connect({ url: server.url, subjectPrefix: PREFIX, name: service, credentials: { user, password } });
    opened.push(connected);
    return connected;
  };
  /** A raw client logged in as `service`, to try what that service's code never does. */
  const rogue = async (service: NatsService): Promise<NatsConnection> => {
    const connection = await connect({ servers: server.url, user: users[service].user, pass: users[service].password });
    opened.push(connection);
    return connection;
  };

  beforeAll(async () => {
    server = await NatsServerProcess.start(natsAuthorizationConfig(PREFIX, users));
  });

  afterAll(async () => {
    await Promise.allSettled(opened.map((each) => each.close()));
    await server.stop();
  });

  it('lets each service do its own part: gateways deliver and answer, mailbox and keys announce', async () => {
    const holding = await broker('gateway');
    const sending = await broker('gateway');
    const seen: string[] = [];
    holding.subscribe(subjects.deliver(ACCOUNT, 1), (message) => message.respond(bytes(`acked ${text(message.data)}`)));
    holding.subscribe(subjects.mailboxStored(ACCOUNT, 1), (message) => seen.push(`stored ${text(message.data)}`));
    holding.subscribe(subjects.keysLow(ACCOUNT, 1), (message) => seen.push(`low ${text(message.data)}`));
    holding.subscribe(subjects.deviceConnected(ACCOUNT, 1), (message) => seen.push(`connected ${text(message.data)}`));
    await holding.ping();

    expect(text(await sending.request(subjects.deliver(ACCOUNT, 1), bytes('envelope'), 5_000))).toBe('acked envelope');
    await (await broker('mailbox')).publish(subjects.mailboxStored(ACCOUNT, 1), bytes('1'));
    await (await broker('keys')).publish(subjects.keysLow(ACCOUNT, 1), bytes('2'));
    await sending.publish(subjects.deviceConnected(ACCOUNT, 1), bytes('3'));
    await expect.poll(() => [...seen].sort()).toEqual(['connected 3', 'low 2', 'stored 1']);
  });

  it("lets every gateway hear auth's revocation of any device on one wildcard subscription", async () => {
    const gateway = await broker('gateway');
    const heard: string[] = [];
    const subscription = gateway.subscribe(subjectPatterns.deviceRevoked, (message) => heard.push(message.subject));
    await gateway.ping();
    await (await broker('auth')).publish(subjects.deviceRevoked(ACCOUNT, 4), bytes('revoked'));
    await expect.poll(() => heard).toEqual([subjects.deviceRevoked(ACCOUNT, 4)]);
    subscription.unsubscribe();
  });

  it('refuses a client without credentials, or with a wrong password', async () => {
    await expect(connect({ servers: server.url })).rejects.toThrow(/authorization/i);
    await expect(connect({ servers: server.url, user: users.gateway.user, pass: 'guessed' })).rejects.toThrow(/authorization/i);
  });

  it.each(['mailbox', 'keys', 'auth', 'payments'] as const)(
    'does not let a client with the %s credentials answer deliveries: the sender hears nobody, not "delivered"',
    async (service) => {
      const intruder = await rogue(service);
      const answered: string[] = [];
      const subscription = intruder.subscribe(`${PREFIX}.${subjects.deliver(ACCOUNT, 2)}`, {
        callback: (error, message) => {
          if (error !== null) return;
          answered.push(message.subject);
          message.respond(bytes('delivered'));
        },
      });
      // The server answers a SUB before the PING behind it, so by now it refused it.
      await intruder.flush();
      expect(subscription.isClosed()).toBe(true);

      const sender = await broker('gateway');
      await expect(sender.request(subjects.deliver(ACCOUNT, 2), bytes('envelope'), 2_000)).rejects.toMatchObject({
        code: BrokerErrorCode.NoResponders,
      });
      expect(answered).toEqual([]);
    },
  );

  it.each(['mailbox', 'keys', 'auth', 'payments'] as const)(
    'does not let a client with the %s credentials spoof presence and kick a device off',
    async (service) => {
      const gateway = await broker('gateway');
      const heard: string[] = [];
      gateway.subscribe(subjects.deviceConnected(ACCOUNT, 3), () => heard.push('presence'));
      gateway.subscribe(subjects.mailboxStored(ACCOUNT, 3), () => heard.push('marker'));
      await gateway.ping();

      const intruder = await rogue(service);
      intruder.publish(`${PREFIX}.${subjects.deviceConnected(ACCOUNT, 3)}`, bytes('spoofed'));
      // Once the round trip returns the server has routed or dropped the presence; a marker
      // sent after that reaches the gateway's connection behind anything routed before it.
      await intruder.flush();
      await (await broker('mailbox')).publish(subjects.mailboxStored(ACCOUNT, 3), bytes('marker'));
      await expect.poll(() => heard.includes('marker')).toBe(true);
      expect(heard).not.toContain('presence');
    },
  );

  it("does not let another service read a gateway's reply inbox", async () => {
    const intruder = await rogue('mailbox');
    const subscription = intruder.subscribe('_INBOX_gateway.>');
    await intruder.flush();
    expect(subscription.isClosed()).toBe(true);
  });
});
