import { auth } from '@coming/proto';
import { ClientError, ClientErrorCode } from '../client.errors';

/** The gateway's HTTP login endpoints. */
export class LoginApi {
  private readonly baseUrl: string;

  constructor(serverUrl: string) {
    this.baseUrl = serverUrl.replace(/^ws/, 'http').replace(/\/+$/, '');
  }

  async challenge(): Promise<auth.CreateChallengeResponse> {
    return auth.CreateChallengeResponse.fromJSON(await this.post('/v1/auth/challenge', {}));
  }

  async login(request: { accountId: string; deviceId: number; challenge: Uint8Array; signature: Uint8Array }): Promise<auth.LoginResponse> {
    const body = {
      accountId: request.accountId,
      deviceId: request.deviceId,
      challenge: Buffer.from(request.challenge).toString('base64'),
      signature: Buffer.from(request.signature).toString('base64'),
    };
    return auth.LoginResponse.fromJSON(await this.post('/v1/auth/login', body));
  }

  async refresh(refreshToken: string): Promise<auth.RefreshResponse> {
    return auth.RefreshResponse.fromJSON(await this.post('/v1/auth/refresh', { refreshToken }));
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
    const detail = (payload as { error?: { message?: string } }).error?.message ?? response.statusText;
    const code = response.status === 401 ? ClientErrorCode.Unauthenticated : ClientErrorCode.ServerUnreachable;
    throw new ClientError(code, `login ${path.split('/').pop() ?? ''} failed (HTTP ${response.status}): ${detail}`);
  }
}
