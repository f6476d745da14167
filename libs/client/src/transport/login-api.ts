import { auth, type devices, wire } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';

export interface LoginRequest {
  accountId: string;
  deviceId: number;
  challenge: Uint8Array;
  signature: Uint8Array;
  /** The host name the signature names; see libs/identity's login-audience. */
  audience: string;
  /** A linked device's certificate; then `signature` is by its device key (signLinkedLogin). */
  deviceCertificate?: devices.DeviceCertificate;
}

/** The gateway's refusal body. */
interface ErrorBody {
  error?: { code?: string; message?: string; retryAfterMs?: number };
}

/**
 * The gateway's HTTP login endpoints. Refusals become ClientErrors a caller can act on:
 * RATE_LIMITED (a REJECTED error carrying retry_after_ms) may be retried after the wait,
 * UNAUTHENTICATED (also a refused device certificate: the device was removed) and
 * TOO_MANY_DEVICES are final, and only an unreachable or failing
 * server is SERVER_UNREACHABLE, which callers retry with backoff.
 */
export class LoginApi {
  private readonly baseUrl: string;

  constructor(serverUrl: string) {
    this.baseUrl = serverUrl.replace(/^ws/, 'http').replace(/\/+$/, '');
  }

  async challenge(): Promise<auth.Challenge> {
    return auth.Challenge.fromJSON(await this.post('/v1/auth/challenge', {}));
  }

  async login(request: LoginRequest): Promise<auth.LoggedIn> {
    const body = {
      accountId: request.accountId,
      deviceId: request.deviceId,
      challenge: Buffer.from(request.challenge).toString('base64'),
      signature: Buffer.from(request.signature).toString('base64'),
      audience: request.audience,
      ...(request.deviceCertificate === undefined ? {} : { deviceCertificate: certificateJson(request.deviceCertificate) }),
    };
    return auth.LoggedIn.fromJSON(await this.post('/v1/auth/login', body));
  }

  async refresh(refreshToken: string): Promise<auth.TokenPair | undefined> {
    const payload = (await this.post('/v1/auth/refresh', { refreshToken })) as { tokens?: unknown };
    return payload.tokens === undefined ? undefined : auth.TokenPair.fromJSON(payload.tokens);
  }

  private async post(path: string, body: object): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new ClientError(ClientErrorCode.ServerUnreachable, `cannot reach ${this.baseUrl}: is the server running?`, undefined, {
        cause: error,
      });
    }
    const payload: unknown = await response.json().catch(() => ({}));
    if (response.ok) return payload;
    throw refusalOf(response, payload as ErrorBody, path.split('/').pop() ?? '');
  }
}

function certificateJson({ devicePublicKey, createdAtMs, signature }: devices.DeviceCertificate) {
  return {
    devicePublicKey: Buffer.from(devicePublicKey).toString('base64'),
    createdAtMs,
    signature: Buffer.from(signature).toString('base64'),
  };
}

function refusalOf(response: Response, { error }: ErrorBody, step: string): ClientError {
  const message = `login ${step} failed (HTTP ${response.status} ${error?.code ?? ''}): ${error?.message ?? response.statusText}`;
  switch (response.status) {
    case 400:
      return new ClientError(ClientErrorCode.InvalidArgument, message);
    case 401:
      return new ClientError(ClientErrorCode.Unauthenticated, message);
    case 409:
      return new ClientError(ClientErrorCode.TooManyDevices, message);
    case 429: {
      const retryAfterMs = error?.retryAfterMs ?? Number(response.headers.get('Retry-After') ?? '1') * 1000;
      return new ClientError(ClientErrorCode.Rejected, message, {
        code: wire.ErrorCode.ERROR_CODE_RATE_LIMITED,
        message,
        missingDevices: [],
        extraDevices: [],
        retryAfterMs,
      });
    }
    default:
      return new ClientError(ClientErrorCode.ServerUnreachable, message);
  }
}
