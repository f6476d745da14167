import { assertUnreachable } from '@coming/errors';
import type { ChainBackend, ChainBackendKind } from './chain-backend';
import { EsploraChainBackend } from './esplora-chain-backend';
import { type ChainBackendOptions, JsonRpcChainBackend } from './json-rpc-chain-backend';

/** The adapter for a configured backend kind and URL. */
export function createChainBackend(kind: ChainBackendKind, url: string, options?: ChainBackendOptions): ChainBackend {
  switch (kind) {
    case 'rpc':
      return new JsonRpcChainBackend(url, options);
    case 'esplora':
      return new EsploraChainBackend(url, options);
    default:
      return assertUnreachable(kind);
  }
}
