import { RateLimiter } from '@coming/cache';
import { isAccountId, verifyLogin } from '@coming/identity';
import { type auth, CHALLENGE_BYTES, MAX_DEVICE_ID, MAX_DEVICES_PER_ACCOUNT, SCHNORR_SIGNATURE_BYTES } from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AccountsRepository } from '../accounts/accounts.repository';
import { type AuthConfig, InjectAuthConfig } from '../auth.config';
import { AuthMetrics } from '../auth.metrics';
import { TokensService } from '../tokens/tokens.service';
import { ChallengesRepository } from './challenges.repository';
import { LoginError, LoginErrorCode } from './login.errors';

const MINUTE_MS = 60_000;

@Injectable()
export class LoginService {
  constructor(
    @InjectAuthConfig() private readonly config: AuthConfig,
    private readonly challenges: ChallengesRepository,
    private readonly accounts: AccountsRepository,
    private readonly tokens: TokensService,
    private readonly rateLimiter: RateLimiter,
    private readonly clock: Clock,
    private readonly metrics: AuthMetrics,
  ) {}

  async createChallenge(clientIp: string): Promise<auth.CreateChallengeResponse> {
    await this.limit('challenge-ip', this.config.AUTH_LOGINS_PER_IP_PER_MINUTE * 2, clientIp);
    const challenge = randomBytes(CHALLENGE_BYTES);
    await this.challenges.save(challenge, this.config.AUTH_CHALLENGE_TTL_MS);
    return { challenge, expiresAtMs: this.clock.now().getTime() + this.config.AUTH_CHALLENGE_TTL_MS };
  }

  async login(request: auth.LoginRequest): Promise<auth.LoginResponse> {
    try {
      const response = await this.checkedLogin(request);
      this.metrics.logins.add(1, { outcome: 'success' });
      return response;
    } catch (error) {
      this.metrics.logins.add(1, { outcome: 'failure', reason: error instanceof LoginError ? error.code : 'INTERNAL' });
      throw error;
    }
  }

  private async checkedLogin(request: auth.LoginRequest): Promise<auth.LoginResponse> {
    const { accountId, deviceId, challenge, signature, clientIp } = request;
    if (!isAccountId(accountId)) throw invalid('account_id is not a bech32m account ID with prefix "coming"');
    if (!Number.isInteger(deviceId) || deviceId < 0 || deviceId > MAX_DEVICE_ID) {
      throw invalid(`device_id must be 0 (new device) or 1 to ${MAX_DEVICE_ID}`);
    }
    if (challenge.length !== CHALLENGE_BYTES) throw invalid(`challenge must be ${CHALLENGE_BYTES} bytes`);
    if (signature.length !== SCHNORR_SIGNATURE_BYTES) throw invalid(`signature must be ${SCHNORR_SIGNATURE_BYTES} bytes`);
    await this.limit('login-ip', this.config.AUTH_LOGINS_PER_IP_PER_MINUTE, clientIp);
    await this.limit('login-account', this.config.AUTH_LOGINS_PER_ACCOUNT_PER_MINUTE, accountId);

    // Redeemed before the signature is checked, so a challenge is spent by any attempt.
    if (!(await this.challenges.redeem(challenge))) {
      throw new LoginError(LoginErrorCode.ChallengeRejected, 'challenge unknown, expired or already used: request a new one');
    }
    if (!verifyLogin({ challenge, accountId, deviceId, audience: this.config.AUTH_AUDIENCE }, signature)) {
      throw new LoginError(LoginErrorCode.BadSignature, 'signature does not verify for this account, device and challenge');
    }
    const registration = await this.accounts.registerDevice(accountId, deviceId, MAX_DEVICES_PER_ACCOUNT);
    if ('tooManyDevices' in registration) {
      throw new LoginError(LoginErrorCode.TooManyDevices, `the account already has ${MAX_DEVICES_PER_ACCOUNT} devices`);
    }
    const tokens = await this.tokens.issue(accountId, registration.deviceId);
    return { tokens, deviceId: registration.deviceId, accountCreated: registration.accountCreated };
  }

  async refresh({ refreshToken, clientIp }: auth.RefreshRequest): Promise<auth.RefreshResponse> {
    await this.limit('refresh-ip', this.config.AUTH_LOGINS_PER_IP_PER_MINUTE, clientIp);
    const owner = await this.tokens.redeem(refreshToken);
    if (owner === null) {
      throw new LoginError(LoginErrorCode.RefreshTokenRejected, 'refresh token unknown, expired or already used: log in again');
    }
    return { tokens: await this.tokens.issue(owner.accountId, owner.deviceId) };
  }

  private async limit(name: string, limit: number, subject: string): Promise<void> {
    const decision = await this.rateLimiter.consume({ name, limit, windowMs: MINUTE_MS }, subject);
    if (!decision.allowed) {
      throw new LoginError(
        LoginErrorCode.RateLimited,
        `too many attempts (${name}); retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
      );
    }
  }
}

function invalid(message: string): LoginError {
  return new LoginError(LoginErrorCode.InvalidArgument, message);
}
