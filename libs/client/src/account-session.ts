import { type AccountKey, signLogin } from '@coming/identity';
import { ClientError, ClientErrorCode } from './client.errors';
import type { StateKeeper } from './state-keeper';
import type { StoredTokens } from './store/client-store';
import type { LoginApi } from './transport/login-api';

// Tokens this close to expiry are renewed first, so they do not lapse mid-request.
const EXPIRY_MARGIN_MS = 60_000;

/** Keeps a valid access token: reuses it, refreshes it, or logs in with the account key. */
export class AccountSession {
  private pending: Promise<string> | undefined;

  constructor(
    private readonly keeper: StateKeeper,
    private readonly api: LoginApi,
    private readonly audience: string,
    private readonly accountKey: AccountKey,
  ) {}

  accessToken(): Promise<string> {
    this.pending ??= this.renew().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets the access token, after the gateway refused it. */
  invalidate(): void {
    const { tokens } = this.keeper.state;
    if (tokens !== undefined) tokens.accessTokenExpiresAtMs = 0;
  }

  private async renew(): Promise<string> {
    const state = this.keeper.state;
    const now = Date.now();
    const tokens = state.tokens;
    if (tokens !== undefined && tokens.accessTokenExpiresAtMs - EXPIRY_MARGIN_MS > now) return tokens.accessToken;
    if (tokens !== undefined && tokens.refreshTokenExpiresAtMs - EXPIRY_MARGIN_MS > now) {
      try {
        const refreshed = await this.api.refresh(tokens.refreshToken);
        return await this.store(refreshed.tokens);
      } catch (error) {
        if (!(error instanceof ClientError && error.code === ClientErrorCode.Unauthenticated)) throw error;
      }
    }
    return this.login();
  }

  private async login(): Promise<string> {
    const state = this.keeper.state;
    const key = this.accountKey;
    const deviceId = state.deviceId ?? 0;
    const { challenge } = await this.api.challenge();
    const signature = signLogin({ challenge, accountId: key.accountId, deviceId, audience: this.audience }, key.privateKey);
    const response = await this.api.login({ accountId: key.accountId, deviceId, challenge, signature });
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
