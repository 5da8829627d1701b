#!/usr/bin/env bash
# Makes sure the local PostgreSQL server the storage tests use is up (CI machines start it, but a
# stopped one is restarted rather than failing every test).
set -u
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || echo "warning: PostgreSQL is not reachable; postgres-marked tests will fail" >&2

# Redis and RabbitMQ (task-queue and shared-state tests): started here if the machine has not.
if ! (echo > /dev/tcp/127.0.0.1/6379) 2>/dev/null && command -v redis-server >/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 >/dev/null || true
fi
if ! (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null && command -v rabbitmq-server >/dev/null; then
  rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 1; done
fi
(echo > /dev/tcp/127.0.0.1/6379) 2>/dev/null || echo "warning: Redis is not reachable; broker tests will fail" >&2
(echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null || echo "warning: RabbitMQ is not reachable; broker tests will fail" >&2
