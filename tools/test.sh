#!/usr/bin/env bash
# The whole suite, as CI runs it: backing services, formatting, the whole repository's
# typecheck, then every project's lint and test targets through Nx (unit, interop with libsignal, and the
# multi-process stack tests), ending on one plain summary line.
# Extra arguments go to `nx run-many`, e.g. `npm test -- --projects=gateway,keys`.
set -euo pipefail
cd "$(dirname "$0")/.."

# No daemon and no Nx Cloud: a CI run is one process tree that leaves nothing behind.
export NX_DAEMON=false NX_NO_CLOUD=true

bash tools/ensure-services.sh
[ -d libs/proto/src/generated ] || npm run -s proto
[ -d libs/xbtc/src/generated ] || npm run -s contracts

reports=dist/test-reports
rm -rf "$reports"
status=0

echo "== format"
npx prettier --check . >/dev/null || status=1
echo "== lint and typecheck"
# One TypeScript program for the whole repository: each project's own typecheck target
# (kept for `npm run affected`) would check again the sources of every library it uses.
npx tsc -p tsconfig.json --noEmit || status=1
# CPU-bound and independent of each other: two at a time.
npx eslint eslint.config.mjs vitest.config.ts || status=1
npx nx run-many -t lint --parallel=2 --outputStyle=static "$@" || status=1
echo "== tests"
# One project at a time (nx.json), so that stack tests do not starve each other of CPU;
# each project's test target writes its vitest JSON report under $reports.
npx nx run-many -t test --outputStyle=static "$@" || status=1

# One plain summary line that any CI can read, summed over the projects' reports.
node -e '
  const { readdirSync, readFileSync } = require("fs");
  const dir = process.argv[1];
  let passed = 0, failed = 0, skipped = 0, broken = 0;
  const firstLine = (text) => String(text ?? "").split("\n")[0].slice(0, 300);
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".json"))) {
    const r = JSON.parse(readFileSync(`${dir}/${file}`, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests;
    // A test file that did not load reports no tests, only a failed suite.
    broken += r.testResults.filter((suite) => suite.status === "failed" && suite.assertionResults.length === 0).length;
    // Each failure again, last, where a CI log cut to its tail still shows it.
    for (const suite of r.testResults.filter((suite) => suite.status === "failed")) {
      const file = suite.name.slice(process.cwd().length + 1);
      const failures = suite.assertionResults.filter((test) => test.status === "failed");
      if (failures.length === 0) console.log(`FAILED ${file}: ${firstLine(suite.message)}`);
      for (const test of failures) console.log(`FAILED ${file} > ${test.fullName}: ${firstLine(test.failureMessages[0])}`);
    }
  }
  console.log(`${passed} passed, ${failed + broken} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$reports" 2>/dev/null || echo "0 passed, 0 failed (no test reports were written)"
exit $status
