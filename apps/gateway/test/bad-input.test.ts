import { generateSigningKey, importSigningKey, signAccessToken } from '@coming/access-token';
import { MemoryClientStore } from '@coming/client';
import { accountKeyFromMnemonic, createMnemonic, signLogin } from '@coming/identity';
import { wire } from '@coming/proto';
import { collectMessages, connectAndDrain, eventually, registeredClient, startTestStack, type TestStack } from '@coming/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

// Long enough for a loaded machine to sign and post a login, short enough to wait out.
const CHALLENGE_TTL_MS = 5_000;
const LOGINS_PER_ACCOUNT = 3;

describe('bad input at the gateway', () => {
  let stack: TestStack;
  let httpUrl: string;

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${httpUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('Retry-After'),
      body: (await response.json()) as Record<string, Record<string, string>>,
    };
  };

  const challenge = async () => Buffer.from((await post('/v1/auth/challenge', {})).body['challenge'] as unknown as string, 'base64');

  // The host name of the gateway URL, as a client derives it.
  const audience = '127.0.0.1';

  const signedLogin = async (mnemonic: string, challengeBytes?: Buffer) => {
    const key = accountKeyFromMnemonic(mnemonic);
    const bytes = challengeBytes ?? (await challenge());
    const signature = signLogin({ challenge: bytes, accountId: key.accountId, deviceId: 0, audience }, key.privateKey);
    return {
      accountId: key.accountId,
      deviceId: 0,
      challenge: bytes.toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
      audience,
    };
  };

  /** Opens a raw socket, or resolves with the HTTP status and body of the refusal. */
  const openSocket = (token?: string) =>
    new Promise<WebSocket | { status: number; body: string }>((resolve, reject) => {
      const socket = new WebSocket(
        `${stack.gatewayUrl(0)}/v1/websocket`,
        token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } },
      );
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      socket.once('error', reject);
    });

  const nextFrame = (socket: WebSocket) =>
    new Promise<wire.ServerFrame>((resolve) => socket.once('message', (data: Buffer) => resolve(wire.ServerFrame.decode(data))));

  const validToken = async () => {
    const store = new MemoryClientStore();
    await registeredClient(stack.gatewayUrl(0), store);
    return (await store.load())?.tokens?.accessToken ?? '';
  };

  /** A socket past the WebSocket upgrade, with the queue-empty push already consumed. */
  const authenticatedSocket = async () => {
    const socket = await openSocket(await validToken());
    if (!(socket instanceof WebSocket)) throw new Error(`upgrade refused: ${socket.body}`);
    await nextFrame(socket);
    return socket;
  };

  beforeAll(async () => {
    stack = await startTestStack('bad-input', {
      env: { AUTH_CHALLENGE_TTL_MS: String(CHALLENGE_TTL_MS), AUTH_LOGINS_PER_ACCOUNT_PER_MINUTE: String(LOGINS_PER_ACCOUNT) },
    });
    httpUrl = stack.gatewayUrl(0).replace('ws', 'http');
  });

  afterAll(() => stack.release());

  describe('at the WebSocket upgrade', () => {
    it('refuses a missing token', async () => {
      expect(await openSocket()).toMatchObject({ status: 401, body: expect.stringMatching(/MISSING/) });
    });

    it('refuses an expired token', async () => {
      const expired = await signAccessToken(
        { accountId: 'coming1x', deviceId: 1 },
        { key: importSigningKey(stack.signingKey), audience, expiresAt: new Date(Date.now() - 1000) },
      );
      expect(await openSocket(expired)).toMatchObject({ status: 401, body: expect.stringMatching(/EXPIRED/) });
    });

    it('refuses a token signed with another key', async () => {
      const forged = await signAccessToken(
        { accountId: 'coming1x', deviceId: 1 },
        { key: importSigningKey(generateSigningKey()), audience, expiresAt: new Date(Date.now() + 60_000) },
      );
      expect(await openSocket(forged)).toMatchObject({ status: 401, body: expect.stringMatching(/FORGED/) });
      expect(await openSocket('garbage')).toMatchObject({ status: 401, body: expect.stringMatching(/MALFORMED/) });
    });
  });

  describe('on an open socket', () => {
    it.each([
      ['malformed protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff]), wire.ErrorCode.ERROR_CODE_MALFORMED_FRAME, /not a valid ClientFrame/],
      [
        'an unknown frame type',
        Buffer.from([0x08, 0x07, 0xfa, 0x06, 0x00]),
        wire.ErrorCode.ERROR_CODE_UNKNOWN_FRAME_TYPE,
        /no request this server knows/,
      ],
      ['an oversized frame', Buffer.alloc(300 * 1024, 1), wire.ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, /limit is 262144/],
      [
        'a request without an ID',
        wire.ClientFrame.encode({ requestId: 0, ping: {} }).finish(),
        wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
        /request_id/,
      ],
    ])('answers %s with an error frame and keeps the socket open', async (_name, frame, code, message) => {
      const socket = await authenticatedSocket();
      socket.send(frame);
      const answer = await nextFrame(socket);
      expect(answer.response?.error).toMatchObject({ code, message: expect.stringMatching(message) });
      socket.send(wire.ClientFrame.encode({ requestId: 9, ping: {} }).finish());
      expect((await nextFrame(socket)).response).toMatchObject({ requestId: 9, ping: {} });
      socket.close();
    });

    it('names what is wrong with an empty acknowledgement', async () => {
      const socket = await authenticatedSocket();
      socket.send(wire.ClientFrame.encode({ requestId: 4, acknowledge: { serverGuids: [] } }).finish());
      expect((await nextFrame(socket)).response?.error).toMatchObject({
        code: wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
        message: expect.stringMatching(/server_guids must hold 1 to 100/),
      });
      socket.close();
    });

    it('refuses text frames', async () => {
      const socket = await authenticatedSocket();
      socket.send('{"event":"send"}');
      expect((await nextFrame(socket)).response?.error?.code).toBe(wire.ErrorCode.ERROR_CODE_MALFORMED_FRAME);
      socket.close();
    });

    it('closes with 1009 past the hard payload cap', async () => {
      const socket = await authenticatedSocket();
      const closed = new Promise<number>((resolve) => socket.once('close', resolve));
      socket.send(Buffer.alloc(2 * 1024 * 1024));
      expect(await closed).toBe(1009);
    });

    it('names the field of an invalid send', async () => {
      const socket = await authenticatedSocket();
      socket.send(
        wire.ClientFrame.encode({
          requestId: 3,
          sendMessage: {
            destinationAccount: 'bob',
            clientMessageId: new Uint8Array(16),
            clientTimestampMs: 0,
            messages: [],
            retryOfRefused: false,
          },
        }).finish(),
      );
      expect((await nextFrame(socket)).response?.error).toMatchObject({
        code: wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
        message: expect.stringMatching(/destination_account/),
      });
      socket.close();
    });
  });

  describe('at login', () => {
    it('refuses a replayed challenge', async () => {
      const mnemonic = createMnemonic();
      const body = await signedLogin(mnemonic);
      expect((await post('/v1/auth/login', body)).status).toBe(200);
      const replay = await post('/v1/auth/login', body);
      expect(replay.status).toBe(401);
      expect(replay.body['error']).toMatchObject({ code: 'CHALLENGE_REJECTED', message: expect.stringMatching(/already used/) });
    });

    it('refuses an expired challenge', async () => {
      const stale = await challenge();
      await new Promise((wait) => setTimeout(wait, CHALLENGE_TTL_MS + 300));
      const response = await post('/v1/auth/login', await signedLogin(createMnemonic(), stale));
      expect(response.status).toBe(401);
      expect(response.body['error']?.['message']).toMatch(/expired/);
    });

    it('refuses a bad signature', async () => {
      const body = await signedLogin(createMnemonic());
      const response = await post('/v1/auth/login', { ...body, accountId: accountKeyFromMnemonic(createMnemonic()).accountId });
      expect(response.status).toBe(401);
      expect(response.body['error']).toMatchObject({ code: 'BAD_SIGNATURE', message: expect.stringMatching(/does not verify/) });
    });

    it('names malformed fields', async () => {
      const response = await post('/v1/auth/login', { accountId: 'x', deviceId: -1, challenge: 'AAAA', signature: '' });
      expect(response.status).toBe(400);
      expect(response.body['error']?.['message']).toMatch(/deviceId/);
      expect(response.body['error']?.['message']).toMatch(/challenge must be 32 bytes/);
      expect(response.body['error']?.['message']).toMatch(/audience/);
    });

    it('takes an upper-case account ID as the same account and refuses mixed case', async () => {
      const mnemonic = createMnemonic();
      const first = await post('/v1/auth/login', await signedLogin(mnemonic));
      const body = await signedLogin(mnemonic);
      const upper = await post('/v1/auth/login', { ...body, accountId: body.accountId.toUpperCase() });
      expect([first.status, upper.status]).toEqual([200, 200]);
      // Device 2 of the account the first login created (accountCreated, false, is left out of proto3 JSON).
      expect(upper.body).toMatchObject({ deviceId: 2 });
      expect(upper.body).not.toHaveProperty('accountCreated');
      const mixed = await post('/v1/auth/login', {
        ...body,
        accountId: body.accountId.slice(0, 8).toUpperCase() + body.accountId.slice(8),
      });
      expect(mixed.status).toBe(400);
      expect(mixed.body['error']?.['message']).toMatch(/accountId: account ID mixes upper and lower case/);
    });

    it('refuses a signature made for another host', async () => {
      const body = await signedLogin(createMnemonic());
      const response = await post('/v1/auth/login', { ...body, audience: 'evil.example' });
      expect(response.status).toBe(400);
      expect(response.body['error']?.['message']).toMatch(/audience "evil.example" is not this deployment's/);
    });

    it('rate-limits logins per account', async () => {
      const mnemonic = createMnemonic();
      const responses = [];
      for (let attempt = 0; attempt <= LOGINS_PER_ACCOUNT; attempt += 1)
        responses.push(await post('/v1/auth/login', await signedLogin(mnemonic)));
      expect(responses.map((response) => response.status)).toEqual([...Array<number>(LOGINS_PER_ACCOUNT).fill(200), 429]);
      const limited = responses[LOGINS_PER_ACCOUNT];
      expect(Number(limited?.retryAfter)).toBeGreaterThan(0);
      expect(limited?.body['error']).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
    });
  });

  it('keeps serving other clients throughout', async () => {
    const alice = await registeredClient(stack.gatewayUrl(0));
    const bob = await registeredClient(stack.gatewayUrl(0));
    const received = collectMessages(bob);
    await connectAndDrain(bob);
    await alice.send(bob.accountId, 'still here');
    await eventually(() => received.length === 1, 'delivery after the bad input');
    await Promise.all([alice.close(), bob.close()]);
  });
});
