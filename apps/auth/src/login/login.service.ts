import { RateLimiter } from '@coming/cache';
import { verifyDeviceCertificate, verifyLinkedLogin, verifyLogin } from '@coming/identity';
import {
  type auth,
  CHALLENGE_BYTES,
  type common,
  type devices,
  MAX_DEVICES_PER_ACCOUNT,
  SCHNORR_SIGNATURE_BYTES,
  X_ONLY_PUBLIC_KEY_BYTES,
} from '@coming/proto';
import { Clock } from '@coming/runtime';
import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { type AuthConfig, InjectAuthConfig } from '../auth.config';
import { AuthMetrics } from '../auth.metrics';
import { DevicesRepository } from '../devices/devices.repository';
import { accountIdField, deviceIdField, textField } from '../request-fields';
import { TokensService } from '../tokens/tokens.service';
import { ChallengeAuthenticator } from './challenge-authenticator';
import { LoginError, LoginErrorCode } from './login.errors';
import { UsedChallengesRepository } from './used-challenges.repository';

const MINUTE_MS = 60_000;
// IPv6 text is at most 45 characters; the margin allows a zone index.
const MAX_CLIENT_IP_LENGTH = 64;
const MAX_REFRESH_TOKEN_LENGTH = 200;
// Last seen is recorded at most this often per device, so refreshes rarely write.
const LAST_SEEN_RESOLUTION_MS = 3_600_000;

type Outcome = keyof auth.LoginResponse;

@Injectable()
export class LoginService {
  private readonly challenges: ChallengeAuthenticator;

  constructor(
    @InjectAuthConfig() private readonly config: AuthConfig,
    private readonly usedChallenges: UsedChallengesRepository,
    private readonly accounts: AccountsService,
    private readonly tokens: TokensService,
    private readonly rateLimiter: RateLimiter,
    private readonly clock: Clock,
    private readonly metrics: AuthMetrics,
    private readonly devices: DevicesRepository,
  ) {
    this.challenges = new ChallengeAuthenticator(config.AUTH_SIGNING_KEY);
  }

  async createChallenge(request: auth.CreateChallengeRequest): Promise<auth.CreateChallengeResponse> {
    const clientIp = textField('client_ip', request.clientIp, MAX_CLIENT_IP_LENGTH, invalid);
    const rateLimited = await this.limit('challenge-ip', this.config.AUTH_LOGINS_PER_IP_PER_MINUTE * 2, clientIp);
    if (rateLimited !== undefined) return { rateLimited };
    const expiresAt = new Date(this.clock.now().getTime() + this.config.AUTH_CHALLENGE_TTL_MS);
    return { challenge: { challenge: this.challenges.issue(expiresAt), expiresAtMs: expiresAt.getTime() } };
  }

  async login(request: auth.LoginRequest): Promise<auth.LoginResponse> {
    const response = await this.checkedLogin(request).catch((error: unknown) => {
      this.metrics.logins.add(1, { outcome: 'failure', reason: error instanceof LoginError ? 'invalidArgument' : 'internal' });
      throw error;
    });
    const outcome = (Object.keys(response) as Outcome[]).find((key) => response[key] !== undefined);
    this.metrics.logins.add(1, outcome === 'loggedIn' ? { outcome: 'success' } : { outcome: 'failure', reason: outcome });
    return response;
  }

  /**
   * Cheap checks come first and every attempt counts against its IP address. Only an
   * attempt whose signature verifies counts against the account: anyone can name an
   * account, so counting failures there would let a stranger lock its owner out.
   */
  private async checkedLogin(request: auth.LoginRequest): Promise<auth.LoginResponse> {
    const accountId = accountIdField(request.accountId, invalid);
    const deviceId = deviceIdField(request.deviceId, { newAllowed: true }, invalid);
    const { challenge, signature } = request;
    if (challenge.length !== CHALLENGE_BYTES) throw invalid(`challenge must be ${CHALLENGE_BYTES} bytes, got ${challenge.length}`);
    if (signature.length !== SCHNORR_SIGNATURE_BYTES) {
      throw invalid(`signature must be ${SCHNORR_SIGNATURE_BYTES} bytes, got ${signature.length}`);
    }
    const clientIp = textField('client_ip', request.clientIp, MAX_CLIENT_IP_LENGTH, invalid);
    const audience = this.audienceOf(request.audience);
    const certificate = certificateField(request.deviceCertificate);

    const ipLimited = await this.limit('login-ip', this.config.AUTH_LOGINS_PER_IP_PER_MINUTE, clientIp);
    if (ipLimited !== undefined) return { rateLimited: ipLimited };
    const check = this.challenges.check(challenge, this.clock.now());
    if (!check.valid) return { challengeRejected: { reason: check.reason } };
    const claim = { challenge, accountId, deviceId, audience };
    if (certificate === undefined) {
      if (!verifyLogin(claim, signature)) return { badSignature: {} };
    } else {
      // The chain: the account key certified the device key, and the device key signed this login.
      if (!verifyDeviceCertificate(accountId, certificate)) {
        return { certificateRejected: { reason: `the device certificate is not signed by the account key of ${accountId}` } };
      }
      if (!verifyLinkedLogin(claim, certificate.devicePublicKey, signature)) return { badSignature: {} };
    }

    const accountLimited = await this.limit('login-account', this.config.AUTH_LOGINS_PER_ACCOUNT_PER_MINUTE, accountId);
    if (accountLimited !== undefined) return { rateLimited: accountLimited };
    // Recorded only once the signature verifies, so forgeries cost no write.
    if (!(await this.usedChallenges.redeem(challenge, check.expiresAt))) {
      return { challengeRejected: { reason: 'challenge already used: request a new one' } };
    }
    const registration = await this.accounts.registerDevice(accountId, deviceId, certificate?.devicePublicKey);
    if ('tooManyDevices' in registration) return { tooManyDevices: { maxDevices: MAX_DEVICES_PER_ACCOUNT } };
    if ('certificateRejected' in registration) return { certificateRejected: { reason: registration.certificateRejected } };
    const tokens = await this.tokens.issue(accountId, registration.deviceId);
    return { loggedIn: { tokens, deviceId: registration.deviceId, accountCreated: registration.accountCreated } };
  }

  async refresh(request: auth.RefreshRequest): Promise<auth.RefreshResponse> {
    const refreshToken = textField('refresh_token', request.refreshToken, MAX_REFRESH_TOKEN_LENGTH, invalid);
    const clientIp = textField('client_ip', request.clientIp, MAX_CLIENT_IP_LENGTH, invalid);
    const rateLimited = await this.limit('refresh-ip', this.config.AUTH_LOGINS_PER_IP_PER_MINUTE, clientIp);
    if (rateLimited !== undefined) return { rateLimited };
    const refreshed = await this.tokens.refresh(refreshToken);
    if (!('tokens' in refreshed)) return { refreshTokenRejected: { reason: refreshed.rejected } };
    const now = this.clock.now();
    const { accountId, deviceId } = refreshed.owner;
    await this.devices.markSeen(accountId, deviceId, now, new Date(now.getTime() - LAST_SEEN_RESOLUTION_MS));
    return { tokens: refreshed.tokens };
  }

  private audienceOf(audience: string): string {
    if (audience === '') throw invalid('audience is required: the host name of the server URL the client connected to');
    if (!this.config.AUTH_AUDIENCE.includes(audience)) {
      throw invalid(`audience "${audience.slice(0, 100)}" is not this deployment's; it answers to ${this.config.AUTH_AUDIENCE.join(', ')}`);
    }
    return audience;
  }

  /** The RateLimited outcome when `subject` is over the limit, else undefined (and the request counts). */
  private async limit(name: string, limit: number, subject: string): Promise<common.RateLimited | undefined> {
    const decision = await this.rateLimiter.consume({ name, limit, windowMs: MINUTE_MS }, subject);
    return decision.allowed ? undefined : { limit: name, retryAfterMs: decision.retryAfterMs };
  }
}

/** A linked device's certificate, checked for shape; undefined for a primary's login. */
function certificateField(certificate: devices.DeviceCertificate | undefined): devices.DeviceCertificate | undefined {
  if (certificate === undefined) return undefined;
  if (certificate.devicePublicKey.length !== X_ONLY_PUBLIC_KEY_BYTES) {
    throw invalid(
      `device_certificate.device_public_key must be ${X_ONLY_PUBLIC_KEY_BYTES} bytes, got ${certificate.devicePublicKey.length}`,
    );
  }
  if (certificate.signature.length !== SCHNORR_SIGNATURE_BYTES) {
    throw invalid(`device_certificate.signature must be ${SCHNORR_SIGNATURE_BYTES} bytes, got ${certificate.signature.length}`);
  }
  return certificate;
}

function invalid(message: string): LoginError {
  return new LoginError(LoginErrorCode.InvalidArgument, message);
}
