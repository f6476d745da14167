import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The client's address behind `trustedProxies` reverse proxies, computed as Express
 * computes `req.ip` for the HTTP routes (its numeric "trust proxy" setting), so a socket
 * and a login from the same client count against the same per-IP budgets.
 */
export function clientIpOf(request: IncomingMessage, trustedProxies: number): string {
  return proxyAddr(request, (_address, hop) => hop < trustedProxies);
}
