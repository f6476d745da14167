// The Node-only entry, `@coming/signal/node`. Kept apart from the index so that browser
// bundles never see node:crypto.
export { createNodeCryptoBackend } from './crypto/node-crypto-backend';
