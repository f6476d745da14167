#!/usr/bin/env bash
# The whole suite, as CI runs it: backing services, formatting, lint, types, then every
# test (unit, interop with libsignal, and the multi-process stack tests).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/ensure-services.sh
[ -d libs/proto/src/generated ] || npm run -s proto

echo "== format";     npx prettier --check . >/dev/null
echo "== lint";       NX_DAEMON=false npx nx show projects >/dev/null && NX_DAEMON=false npx eslint .
echo "== types";      npx tsc -p tsconfig.json --noEmit
echo "== tests"
report=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$report" "$@" || status=$?
# One plain summary line that any CI can read.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' "$report" || true
rm -f "$report"
exit $status
