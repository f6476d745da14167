import { wire } from '@coming/proto';
import { describe, expect, it } from 'vitest';
import { ClientError, ClientErrorCode } from './client.errors';
import { retryDelayMs } from './retry';

const rejected = (code: wire.ErrorCode, retryAfterMs = 0) =>
  new ClientError(ClientErrorCode.Rejected, 'server refused the request', {
    code,
    message: '',
    missingDevices: [],
    extraDevices: [],
    retryAfterMs,
  });

describe(retryDelayMs.name, () => {
  it('retries what did not get an answer', () => {
    for (const error of [
      new ClientError(ClientErrorCode.ServerUnreachable, ''),
      new ClientError(ClientErrorCode.ConnectionLost, ''),
      new ClientError(ClientErrorCode.Timeout, ''),
      rejected(wire.ErrorCode.ERROR_CODE_UNAVAILABLE),
    ]) {
      expect(retryDelayMs(error, 2)).toBeGreaterThanOrEqual(0);
    }
  });

  it('never retries an answer that would come back the same', () => {
    for (const code of [
      wire.ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
      wire.ErrorCode.ERROR_CODE_UNKNOWN_ACCOUNT,
      wire.ErrorCode.ERROR_CODE_BAD_SIGNATURE,
      wire.ErrorCode.ERROR_CODE_DEVICE_MISMATCH,
      wire.ErrorCode.ERROR_CODE_MALFORMED_FRAME,
      wire.ErrorCode.ERROR_CODE_INTERNAL,
    ]) {
      expect(retryDelayMs(rejected(code), 0)).toBeUndefined();
    }
    expect(retryDelayMs(new ClientError(ClientErrorCode.Unauthenticated, ''), 0)).toBeUndefined();
    expect(retryDelayMs(new Error('a bug'), 0)).toBeUndefined();
  });

  it('waits as long as a rate limit asks', () => {
    expect(retryDelayMs(rejected(wire.ErrorCode.ERROR_CODE_RATE_LIMITED, 45_000), 0)).toBeGreaterThanOrEqual(45_000);
  });
});
