import { GrpcCallError, GrpcStatus } from '@coming/grpc';
import { InvalidAccountIdError, parseAccountId } from '@coming/identity';
import { auth, CHALLENGE_BYTES, MAX_DEVICE_ID, SCHNORR_SIGNATURE_BYTES, X_ONLY_PUBLIC_KEY_BYTES } from '@coming/proto';
import { Body, Controller, HttpCode, HttpException, HttpStatus, Ip, Post, Res } from '@nestjs/common';
import { z } from 'zod';
import { AuthRepository } from './auth.repository';

const base64 = (bytes: number, field: string) =>
  z
    .string()
    .transform((value) => Buffer.from(value, 'base64'))
    .refine((value) => value.length === bytes, `${field} must be ${bytes} bytes in base64`);

const accountId = z
  .string()
  .max(100)
  .transform((value, context) => {
    try {
      return parseAccountId(value);
    } catch (error) {
      if (!(error instanceof InvalidAccountIdError)) throw error;
      context.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });

const loginBody = z.object({
  accountId,
  deviceId: z.number().int().min(0).max(MAX_DEVICE_ID),
  challenge: base64(CHALLENGE_BYTES, 'challenge'),
  signature: base64(SCHNORR_SIGNATURE_BYTES, 'signature'),
  /** The host name the client signed for; see libs/identity's login-audience. */
  audience: z.string().min(1).max(253),
  /** A linked device's certificate; then `signature` is by its device key. */
  deviceCertificate: z
    .object({
      devicePublicKey: base64(X_ONLY_PUBLIC_KEY_BYTES, 'deviceCertificate.devicePublicKey'),
      createdAtMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      signature: base64(SCHNORR_SIGNATURE_BYTES, 'deviceCertificate.signature'),
    })
    .optional(),
});

const refreshBody = z.object({ refreshToken: z.string().min(1).max(200) });

/** The part of Express's response this controller uses: the Retry-After header. */
interface HttpResponse {
  setHeader(name: string, value: string): unknown;
}

/** The JSON body of every refusal; `retryAfterMs` comes with RATE_LIMITED only. */
interface ErrorBody {
  error: { code: string; message: string; retryAfterMs?: number };
}

/**
 * Login over plain HTTP, before a WebSocket can be opened: JSON in, the proto3 JSON form
 * of auth's successful results out (bytes as base64, 64-bit numbers as strings). Each
 * refusal has its own status: 429 with Retry-After when rate limited, 401 when the
 * challenge, signature, device certificate or refresh token is refused, 409 when the
 * account is full.
 */
@Controller('v1/auth')
export class LoginHttpController {
  constructor(private readonly auth: AuthRepository) {}

  @Post('challenge')
  @HttpCode(HttpStatus.OK)
  async challenge(@Ip() clientIp: string, @Res({ passthrough: true }) http: HttpResponse) {
    const response = await this.auth.createChallenge({ clientIp }).catch(toHttpError);
    if (response.challenge !== undefined) return auth.Challenge.toJSON(response.challenge);
    throw refusal(http, response);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  async login(@Body() body: unknown, @Ip() clientIp: string, @Res({ passthrough: true }) http: HttpResponse) {
    const response = await this.auth.login({ deviceCertificate: undefined, ...parse(loginBody, body), clientIp }).catch(toHttpError);
    if (response.loggedIn !== undefined) return auth.LoggedIn.toJSON(response.loggedIn);
    throw refusal(http, response);
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  async refresh(@Body() body: unknown, @Ip() clientIp: string, @Res({ passthrough: true }) http: HttpResponse) {
    const response = await this.auth.refresh({ ...parse(refreshBody, body), clientIp }).catch(toHttpError);
    if (response.tokens !== undefined) return { tokens: auth.TokenPair.toJSON(response.tokens) };
    throw refusal(http, response);
  }
}

/** Every refusal auth answers with, across its three login calls. */
type Refusal = Omit<Partial<auth.CreateChallengeResponse & auth.LoginResponse & auth.RefreshResponse>, 'challenge' | 'loggedIn' | 'tokens'>;

function refusal(http: HttpResponse, outcome: Refusal): HttpException {
  const reply = (status: HttpStatus, code: string, message: string) =>
    new HttpException({ error: { code, message } } satisfies ErrorBody, status);
  if (outcome.rateLimited !== undefined) {
    const { limit, retryAfterMs } = outcome.rateLimited;
    http.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
    const body: ErrorBody = { error: { code: 'RATE_LIMITED', message: `too many attempts (${limit}); retry later`, retryAfterMs } };
    return new HttpException(body, HttpStatus.TOO_MANY_REQUESTS);
  }
  if (outcome.challengeRejected !== undefined) {
    return reply(HttpStatus.UNAUTHORIZED, 'CHALLENGE_REJECTED', outcome.challengeRejected.reason);
  }
  if (outcome.badSignature !== undefined) {
    return reply(HttpStatus.UNAUTHORIZED, 'BAD_SIGNATURE', 'signature does not verify for this account, device, challenge and audience');
  }
  if (outcome.refreshTokenRejected !== undefined) {
    return reply(HttpStatus.UNAUTHORIZED, 'REFRESH_TOKEN_REJECTED', outcome.refreshTokenRejected.reason);
  }
  if (outcome.certificateRejected !== undefined) {
    return reply(HttpStatus.UNAUTHORIZED, 'CERTIFICATE_REJECTED', outcome.certificateRejected.reason);
  }
  if (outcome.tooManyDevices !== undefined) {
    const { maxDevices } = outcome.tooManyDevices;
    return reply(
      HttpStatus.CONFLICT,
      'TOO_MANY_DEVICES',
      `the account already has ${maxDevices} devices, the most it may hold: remove one (or wait for an inactive one to expire) first`,
    );
  }
  // A result this gateway does not know: auth is newer than it.
  return reply(HttpStatus.BAD_GATEWAY, 'UNKNOWN_RESULT', 'the auth service gave a result this gateway does not know');
}

function parse<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
  throw new HttpException({ error: { code: 'INVALID_ARGUMENT', message: problems } } satisfies ErrorBody, HttpStatus.BAD_REQUEST);
}

function toHttpError(error: unknown): never {
  if (!(error instanceof GrpcCallError)) throw error;
  const [httpStatus, code] = httpStatusOf(error.code);
  throw new HttpException({ error: { code, message: error.message } } satisfies ErrorBody, httpStatus);
}

function httpStatusOf(status: GrpcStatus): [HttpStatus, string] {
  switch (status) {
    case GrpcStatus.INVALID_ARGUMENT:
      return [HttpStatus.BAD_REQUEST, 'INVALID_ARGUMENT'];
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.DEADLINE_EXCEEDED:
      return [HttpStatus.SERVICE_UNAVAILABLE, 'UNAVAILABLE'];
    default:
      return [HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL'];
  }
}
