// Runs TypeScript sources directly through SWC, which (unlike esbuild) emits the
// decorator metadata that NestJS dependency injection reads.
process.env.SWC_NODE_PROJECT ??= require('node:path').join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
