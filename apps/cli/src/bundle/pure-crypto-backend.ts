// What `@coming/signal/node` resolves to in the bundled CLI (see bundle.mjs): the
// pure-JavaScript backend, since a single-file bundle cannot carry a native addon.
import { type CryptoBackend, nobleCryptoBackend } from '@coming/signal';

export function createNodeCryptoBackend(): CryptoBackend {
  return nobleCryptoBackend;
}
