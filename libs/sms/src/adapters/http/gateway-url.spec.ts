import { describe, expect, it } from 'vitest';
import { SmsCarrierErrorCode } from '../sms-carrier.errors';
import { parseGatewayUrl } from './gateway-url';

describe(parseGatewayUrl.name, () => {
  it('takes the credentials out of the URL into Basic authentication', () => {
    expect(parseGatewayUrl('https://acme:p%40ss@sms.example:8443/v1/messages')).toEqual({
      url: 'https://sms.example:8443/v1/messages',
      authorization: `Basic ${Buffer.from('acme:p@ss').toString('base64')}`,
    });
    expect(parseGatewayUrl('http://127.0.0.1:8080/sms')).toEqual({ url: 'http://127.0.0.1:8080/sms', authorization: undefined });
  });

  it('refuses other schemes and non-URLs without echoing the password', () => {
    expect(() => parseGatewayUrl('ftp://u:p@host/x')).toThrow(
      expect.objectContaining({ code: SmsCarrierErrorCode.InvalidConfig, message: 'gateway URL: scheme "ftp:" is not http: or https:' }),
    );
    expect(() => parseGatewayUrl('//user:secret@')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret') }));
  });
});
