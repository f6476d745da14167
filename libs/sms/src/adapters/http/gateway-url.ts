import { SmsCarrierError, SmsCarrierErrorCode } from '../sms-carrier.errors';

export interface GatewayEndpoint {
  /** The URL to post to, credentials taken out: fetch refuses URLs that carry them. */
  readonly url: string;
  readonly authorization: string | undefined;
}

/** Reads `https://user:pass@host:port/path`; the credentials, if any, become Basic authentication. */
export function parseGatewayUrl(text: string): GatewayEndpoint {
  if (!URL.canParse(text)) throw invalid(`${JSON.stringify(text.replace(/\/\/[^@/]*@/, '//…@'))} is not a URL`);
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`scheme ${JSON.stringify(url.protocol)} is not http: or https:`);
  const credentials = url.username || url.password ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: credentials && `Basic ${Buffer.from(credentials).toString('base64')}` };
}

function invalid(reason: string): SmsCarrierError {
  return new SmsCarrierError(SmsCarrierErrorCode.InvalidConfig, `gateway URL: ${reason}`);
}
