import { ChainBackendUnavailableError } from './chain-backend';

/** Where a backend is, with the credentials of its URL moved into a header (fetch refuses them in URLs). */
export interface Endpoint {
  base: string;
  authorization: string | undefined;
  /** The URL without credentials: what messages and logs may show. */
  display: string;
}

export function endpointOf(url: string): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`the chain backend URL is not a URL (it should look like http://user:password@127.0.0.1:18443)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`the chain backend URL must be http or https, not ${parsed.protocol}`);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const authorization = user === '' && password === '' ? undefined : `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  parsed.username = '';
  parsed.password = '';
  const base = parsed.toString().replace(/\/$/, '');
  return { base, authorization, display: base };
}

/**
 * One HTTP exchange with a backend. A refused connection, a reset or a timeout becomes
 * ChainBackendUnavailableError (retry later); any HTTP answer is returned for the adapter
 * to read, since nodes put their error reasons in 4xx and 5xx bodies.
 */
export async function send(endpoint: Endpoint, path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const headers = new Headers(init.headers);
  if (endpoint.authorization !== undefined) headers.set('authorization', endpoint.authorization);
  try {
    return await fetch(`${endpoint.base}${path}`, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new ChainBackendUnavailableError(`chain backend ${endpoint.display} unreachable: ${causeOf(error)}`, { cause: error });
  }
}

function causeOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Polls `check` until it is true or `timeoutMs` passed; how a broadcast is confirmed through the mempool. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
