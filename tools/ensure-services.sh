#!/usr/bin/env bash
# Starts PostgreSQL, Redis and NATS (with JetStream) on their default local ports when
# they are installed but not running. Services that already answer are left alone.
set -uo pipefail

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local name=$1 port=$2
  for _ in $(seq 1 50); do listening "$port" && return 0; sleep 0.2; done
  echo "ensure-services: $name did not come up on port $port" >&2
  return 1
}

if ! listening 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for PostgreSQL 5432
  else
    echo "ensure-services: PostgreSQL is not running on 5432 and pg_ctlcluster is not installed" >&2
  fi
fi

if ! listening 6379; then
  if command -v redis-server >/dev/null; then
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    wait_for Redis 6379
  else
    echo "ensure-services: Redis is not running on 6379 and redis-server is not installed" >&2
  fi
fi

if ! listening 4222; then
  nats=$(command -v nats-server || { [ -x /usr/sbin/nats-server ] && echo /usr/sbin/nats-server; })
  if [ -n "$nats" ]; then
    store=${TMPDIR:-/tmp}/coming-nats-jetstream
    mkdir -p "$store"
    nohup "$nats" -a 127.0.0.1 -p 4222 -js -sd "$store" >"$store/nats.log" 2>&1 &
    wait_for NATS 4222
  else
    echo "ensure-services: NATS is not running on 4222 and nats-server is not installed" >&2
  fi
fi
exit 0
