import { audienceOfServerUrl, createMnemonic, verifyLogin } from '@coming/identity';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountSession } from './account-session';
import { ClientErrorCode } from './client.errors';
import { PrimaryIdentity } from './identity/primary-identity';
import { StateKeeper } from './state-keeper';
import { MemoryClientStore } from './store/memory-client-store';
import { LoginApi } from './transport/login-api';

interface Reply {
  status: number;
  body: object;
  headers?: Record<string, string>;
}

const CHALLENGE = Buffer.alloc(32, 7);
const LOGGED_IN: Reply = {
  status: 200,
  body: {
    deviceId: 3,
    accountCreated: true,
    tokens: {
      accessToken: 'access',
      accessTokenExpiresAtMs: String(Date.now() + 3_600_000),
      refreshToken: 'r',
      refreshTokenExpiresAtMs: '0',
    },
  },
};

/** An HTTP server answering the login endpoints the way the gateway does, one scripted reply per login. */
async function gatewayAnswering(logins: Reply[]) {
  const received: { body: Record<string, unknown>; atMs: number }[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const reply: Reply =
        request.url === '/v1/auth/challenge'
          ? { status: 200, body: { challenge: CHALLENGE.toString('base64'), expiresAtMs: String(Date.now() + 60_000) } }
          : (logins[received.length] ?? { status: 500, body: {} });
      if (request.url === '/v1/auth/login') received.push({ body: JSON.parse(text) as Record<string, unknown>, atMs: Date.now() });
      response.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe(AccountSession.name, () => {
  const mnemonic = createMnemonic();
  const identity = new PrimaryIdentity(mnemonic);
  let close: (() => Promise<void>) | undefined;

  const sessionFor = async (logins: Reply[]) => {
    const gateway = await gatewayAnswering(logins);
    close = gateway.close;
    const keeper = new StateKeeper({ mnemonic, accountId: identity.accountId, recipients: {}, seen: [] }, new MemoryClientStore());
    return { gateway, session: new AccountSession(keeper, new LoginApi(gateway.url), audienceOfServerUrl(gateway.url), identity) };
  };

  afterEach(async () => {
    await close?.();
  });

  it('signs for the host it connects to', async () => {
    const { gateway, session } = await sessionFor([LOGGED_IN]);
    expect(await session.accessToken()).toBe('access');
    const sent = gateway.received[0]?.body ?? {};
    expect(sent['audience']).toBe('127.0.0.1');
    const signature = Buffer.from(String(sent['signature']), 'base64');
    expect(verifyLogin({ challenge: CHALLENGE, accountId: identity.accountId, deviceId: 0, audience: '127.0.0.1' }, signature)).toBe(true);
  });

  it('waits as long as a rate limit asks, then logs in', async () => {
    const limited = {
      status: 429,
      body: { error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 200 } },
      headers: { 'Retry-After': '1' },
    };
    const { gateway, session } = await sessionFor([limited, LOGGED_IN]);
    expect(await session.accessToken()).toBe('access');
    const [first, second] = gateway.received;
    expect((second?.atMs ?? 0) - (first?.atMs ?? 0)).toBeGreaterThanOrEqual(200);
  });

  it('does not wait out a long rate limit', async () => {
    const limited = { status: 429, body: { error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 600_000 } } };
    const { gateway, session } = await sessionFor([limited, LOGGED_IN]);
    await expect(session.accessToken()).rejects.toMatchObject({ code: ClientErrorCode.Rejected, serverError: { retryAfterMs: 600_000 } });
    expect(gateway.received).toHaveLength(1);
  });

  it.each([
    [401, 'BAD_SIGNATURE', ClientErrorCode.Unauthenticated],
    [409, 'TOO_MANY_DEVICES', ClientErrorCode.TooManyDevices],
    [400, 'INVALID_ARGUMENT', ClientErrorCode.InvalidArgument],
  ])('gives up at once on HTTP %i %s', async (status, code, clientCode) => {
    const { gateway, session } = await sessionFor([{ status, body: { error: { code, message: 'no' } } }, LOGGED_IN]);
    await expect(session.accessToken()).rejects.toMatchObject({ code: clientCode, message: expect.stringContaining(code) });
    expect(gateway.received).toHaveLength(1);
  });
});
