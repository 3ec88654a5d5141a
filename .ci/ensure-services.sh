#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) answer.
# Starts the installed servers when they are down; fails with a clear message when they are missing.
set -euo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -U postgres -q 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }
wait_for() { for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done; return 1; }

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is down: starting it"
    for v in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$v" main start || true; done
  else
    echo "PostgreSQL is not installed. Install it (apt-get install postgresql) or point TEST_DATABASE_URL at a server." >&2
    exit 1
  fi
  wait_for pg_up || { echo "PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1; }
fi
psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SELECT version()' | head -1

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Redis is down: starting it"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
  else
    echo "Redis is not installed. Install it (apt-get install redis-server)." >&2
    exit 1
  fi
  wait_for redis_up || { echo "Redis did not come up on 127.0.0.1:6379" >&2; exit 1; }
fi
echo "Redis $(redis-cli -h 127.0.0.1 info server | grep redis_version | tr -d '\r')"
