#!/usr/bin/env bash
# Starts a throw-away MariaDB on loopback with a data directory of its own,
# creates the test database and user, and prints the LATCHKEY_TEST_MYSQL_URL
# to use. Idempotent: a server already answering on the port is reused.
set -euo pipefail
PORT="${LATCHKEY_MARIADB_PORT:-3307}"
DATA="${LATCHKEY_MARIADB_DIR:-/tmp/latchkey-mariadb}"
SOCK="$DATA/mysqld.sock"
URL="mysql://latchkey:latchkey@127.0.0.1:${PORT}/latchkey_test"

if ! command -v mariadbd >/dev/null 2>&1 && ! command -v mysqld >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq mariadb-server >&2
fi
SERVER="$(command -v mariadbd || command -v mysqld)"

if ! mariadb-admin --socket="$SOCK" -uroot ping >/dev/null 2>&1; then
  rm -rf "$DATA"
  mkdir -p "$DATA"
  chown -R mysql:mysql "$DATA" 2>/dev/null || true
  mariadb-install-db --user=mysql --datadir="$DATA/db" --auth-root-authentication-method=socket >/dev/null 2>&1
  "$SERVER" --user=mysql --datadir="$DATA/db" --socket="$SOCK" --port="$PORT" --bind-address=127.0.0.1 \
    --pid-file="$DATA/mysqld.pid" --log-error="$DATA/error.log" --skip-name-resolve \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --max-connections=300 >/dev/null 2>&1 &
  for _ in $(seq 1 60); do
    mariadb-admin --socket="$SOCK" -uroot ping >/dev/null 2>&1 && break
    sleep 1
  done
  mariadb-admin --socket="$SOCK" -uroot ping >/dev/null 2>&1 || { cat "$DATA/error.log" >&2; exit 1; }
fi

mariadb --socket="$SOCK" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS latchkey_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'latchkey'@'127.0.0.1' IDENTIFIED BY 'latchkey';
GRANT ALL PRIVILEGES ON latchkey_test.* TO 'latchkey'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
echo "$URL"
