import { describe, expect, it } from 'vitest';
import { SmsCarrierErrorCode } from '../sms-carrier.errors';
import { parseSmppUrl } from './smpp-url';

describe(parseSmppUrl.name, () => {
  it('reads host, port and percent-escaped credentials, with 2775 when no port is given', () => {
    expect(parseSmppUrl('smpp://alice:p%40ss@127.0.0.1:2776')).toEqual({
      host: '127.0.0.1',
      port: 2776,
      systemId: 'alice',
      password: 'p@ss',
    });
    expect(parseSmppUrl('smpp://bob:x@[::1]')).toEqual({ host: '::1', port: 2775, systemId: 'bob', password: 'x' });
  });

  it.each([
    ['not a url', /is not a URL/],
    ['http://alice:x@host:2775', /scheme "http:"/],
    ['smpp://host:2775', /names no system ID/],
    ['smpp://a-system-id-too-long:x@host', /system ID that is not 1 to 15/],
    ['smpp://alice:longer-than-8@host', /password that is not at most 8/],
  ])('refuses %s, naming what is wrong', (url, reason) => {
    expect(() => parseSmppUrl(url)).toThrow(
      expect.objectContaining({ code: SmsCarrierErrorCode.InvalidConfig, message: expect.stringMatching(reason) }),
    );
  });

  it('keeps the password out of its errors', () => {
    expect(() => parseSmppUrl('smpp://alice:hunter2-is-too-long@host')).toThrow(/smpp:\/\/alice:\*\*\*@host/);
  });
});
