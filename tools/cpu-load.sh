#!/usr/bin/env bash
# Keeps the CPU busy, to run the suite the way a shared CI machine runs it:
#
#   bash tools/cpu-load.sh 1800 &    # one busy loop per core, for at most 1800 s
#   npm test
#   kill %1                          # or let it stop by itself
#
# Usage: tools/cpu-load.sh [SECONDS] [LOOPS]. SECONDS defaults to 600, LOOPS to the number
# of cores; more loops than cores raise the load average further (6 loops on 2 cores: about 6
# before the suite adds its own). Stops its loops when the time is up, on Ctrl-C and on kill
# (SIGTERM); only SIGKILL would leave them running.
set -euo pipefail

seconds=${1:-600}
loops=${2:-$(nproc)}
[[ $seconds =~ ^[0-9]+$ && $loops =~ ^[0-9]+$ && $loops -ge 1 ]] || {
  echo "usage: $0 [SECONDS] [LOOPS]" >&2
  exit 2
}

pids=()
stop() {
  kill "${pids[@]}" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM

for _ in $(seq "$loops"); do
  (while :; do :; done) &
  pids+=("$!")
done
echo "cpu-load: $loops busy loops for ${seconds}s; stop them with: kill $$" >&2

# In the background and waited for, so that a signal ends the wait at once.
sleep "$seconds" &
pids+=("$!")
wait "$!"
