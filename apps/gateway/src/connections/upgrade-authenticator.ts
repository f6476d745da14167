import { AccessTokenError, importPublicKey, type VerifiedAccess, verifyAccessToken } from '@coming/access-token';
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { type GatewayConfig, InjectGatewayConfig } from '../gateway.config';
import { BadFrameBudget } from './bad-frame-budget';
import { RevokedDevices } from './revoked-devices';

/** ws's verifyClient callback: accept, or refuse with an HTTP status, a body and headers. */
export type VerifyCallback = (accepted: boolean, code?: number, message?: string, headers?: Record<string, string>) => void;

const UNAUTHORIZED_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'WWW-Authenticate': 'Bearer' };

/**
 * Checks the access token before the WebSocket upgrade completes: a client without a
 * valid token, or with one issued before its device was removed or its tokens revoked,
 * never gets a socket, only an HTTP 401 whose body says why; a device over its bad-frame
 * budget gets HTTP 429 with Retry-After until its minute is over.
 */
@Injectable()
export class UpgradeAuthenticator {
  private readonly verified = new WeakMap<IncomingMessage, VerifiedAccess>();
  private readonly publicKey: KeyObject;

  constructor(
    @InjectGatewayConfig() private readonly config: GatewayConfig,
    private readonly badFrames: BadFrameBudget,
    private readonly revoked: RevokedDevices,
  ) {
    this.publicKey = importPublicKey(config.AUTH_PUBLIC_KEY);
  }

  /** ws's asynchronous verifyClient hook. */
  readonly verifyClient = (info: { req: IncomingMessage }, callback: VerifyCallback): void => {
    verifyAccessToken(bearerToken(info.req), this.publicKey, this.config.AUTH_AUDIENCE).then(
      (claims) => {
        const revokedAtMs = this.revoked.revokedSince(claims);
        if (revokedAtMs !== undefined) {
          const when = new Date(revokedAtMs).toISOString();
          const message = `REVOKED: device ${claims.deviceId} was removed from its account, or its tokens were revoked, at ${when}, after this token was issued; log in again`;
          callback(false, 401, message, UNAUTHORIZED_HEADERS);
          return;
        }
        const refusedForMs = this.badFrames.refusedForMs(claims);
        if (refusedForMs > 0) {
          callback(false, 429, 'too many malformed, unknown or oversized frames from this device; try again later', {
            'Content-Type': 'text/plain; charset=utf-8',
            'Retry-After': String(Math.ceil(refusedForMs / 1000)),
          });
          return;
        }
        this.verified.set(info.req, claims);
        callback(true);
      },
      (error: unknown) => {
        const message = error instanceof AccessTokenError ? `${error.code}: ${error.message}` : 'token check failed';
        callback(false, 401, message, UNAUTHORIZED_HEADERS);
      },
    );
  };

  claimsOf(request: IncomingMessage): VerifiedAccess | undefined {
    return this.verified.get(request);
  }
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : undefined;
}
