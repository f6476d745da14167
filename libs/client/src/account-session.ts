import { wire } from '@coming/proto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, ClientErrorCode } from './client.errors';
import type { DeviceIdentity } from './identity/device-identity';
import type { StateKeeper } from './state-keeper';
import type { StoredTokens } from './store/client-store';
import type { LoginApi } from './transport/login-api';

// Tokens this close to expiry are renewed first, so they do not lapse mid-request.
const EXPIRY_MARGIN_MS = 60_000;
// A rate-limited login is retried after the server's wait when that wait is this short;
// a longer one is the caller's to decide.
const MAX_RATE_LIMIT_WAIT_MS = 30_000;
const MAX_ATTEMPTS = 3;

/**
 * Keeps a valid access token: reuses it, refreshes it, or logs in as the device's identity does.
 * The signature names `audience`, the host name of the server this client meant to
 * reach, so that no other server can relay it.
 */
export class AccountSession {
  private pending: Promise<string> | undefined;

  constructor(
    private readonly keeper: StateKeeper,
    private readonly api: LoginApi,
    private readonly audience: string,
    private readonly identity: DeviceIdentity,
  ) {}

  accessToken(): Promise<string> {
    this.pending ??= this.renewWithinLimits().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets the access token, after the gateway refused it. */
  invalidate(): void {
    const { tokens } = this.keeper.state;
    if (tokens !== undefined) tokens.accessTokenExpiresAtMs = 0;
  }

  /** Waits out a short rate limit as the server asks; every other refusal is final. */
  private async renewWithinLimits(): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.renew();
      } catch (error) {
        const waitMs = rateLimitWaitOf(error);
        if (waitMs === undefined || waitMs > MAX_RATE_LIMIT_WAIT_MS || attempt >= MAX_ATTEMPTS) throw error;
        await sleep(waitMs);
      }
    }
  }

  private async renew(): Promise<string> {
    const state = this.keeper.state;
    const now = Date.now();
    const tokens = state.tokens;
    if (tokens !== undefined && tokens.accessTokenExpiresAtMs - EXPIRY_MARGIN_MS > now) return tokens.accessToken;
    if (tokens !== undefined && tokens.refreshTokenExpiresAtMs - EXPIRY_MARGIN_MS > now) {
      try {
        return await this.store(await this.api.refresh(tokens.refreshToken));
      } catch (error) {
        if (!(error instanceof ClientError && error.code === ClientErrorCode.Unauthenticated)) throw error;
      }
    }
    return this.login();
  }

  private async login(): Promise<string> {
    const state = this.keeper.state;
    const response = await this.identity.login(this.api, state.deviceId ?? 0, this.audience);
    state.deviceId = response.deviceId;
    return this.store(response.tokens);
  }

  private async store(tokens: StoredTokens | undefined): Promise<string> {
    if (tokens === undefined) throw new ClientError(ClientErrorCode.Unauthenticated, 'the server returned no tokens');
    this.keeper.state.tokens = tokens;
    await this.keeper.save();
    return tokens.accessToken;
  }
}

function rateLimitWaitOf(error: unknown): number | undefined {
  if (!(error instanceof ClientError) || error.serverError?.code !== wire.ErrorCode.ERROR_CODE_RATE_LIMITED) return undefined;
  return Math.max(error.serverError.retryAfterMs, 1);
}
