// Bundles the CLI into one JavaScript file, dist/coming.cjs, that needs nothing but Node:
// the workspace libraries it uses are not published, so an installed `coming` cannot
// depend on them. `npm run build:cli` runs this; so do npm install and npm pack.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// The SDK's Node crypto backend loads a native addon (libsodium) and a WASM build of
// liboqs, neither of which a single file can carry; the bundle uses the pure-JavaScript
// backend, the one browsers use, which speaks the same protocol.
const pureCrypto = {
  name: 'pure-crypto',
  setup(bundle) {
    bundle.onResolve({ filter: /^@coming\/signal\/node$/ }, () => ({ path: join(here, 'src', 'bundle', 'pure-crypto-backend.ts') }));
  },
};

// The generated protocol modules the client reads (auth's login messages) also declare
// the services' gRPC controllers, which import NestJS; a client never serves gRPC.
const noGrpcServer = {
  name: 'no-grpc-server',
  setup(bundle) {
    bundle.onResolve({ filter: /^@nestjs\/microservices$/ }, () => ({ path: join(here, 'src', 'bundle', 'no-grpc-server.ts') }));
  },
};

await build({
  entryPoints: [join(here, 'src', 'main.ts')],
  outfile: join(here, 'dist', 'coming.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // ws loads these native speed-ups only if they are installed; serialport (a native
  // binding) is loaded only when a GSM modem is used.
  external: ['bufferutil', 'utf-8-validate', 'serialport'],
  plugins: [pureCrypto, noGrpcServer],
  logLevel: 'warning',
});
