#!/usr/bin/env node
// The installed `coming`: runs the bundle that `npm run build:cli` makes (npm install and
// npm pack make it too). Kept apart from the bundle so that npm can link this file before
// the bundle exists.
try {
  require.resolve('../dist/coming.cjs');
} catch {
  process.stderr.write('coming is not built yet: run "npm run build:cli" in the repository\n');
  process.exit(1);
}
require('../dist/coming.cjs');
