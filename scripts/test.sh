#!/usr/bin/env bash
# The whole test suite, on SQLite, PostgreSQL and Redis.
#
# Makes sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are up, starting them, or
# installing them from Debian's packages, when they are not; then runs every test of the
# workspace with TEST_DATABASE_URL and TEST_REDIS_URL set, so no test that needs them is skipped.
# Also installs what some tests use: a CJK font (printable cards) and Chromium (the public wall).
# Extra arguments go to `cargo test` (for example a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379}"
export TONGSHENG_REQUIRE_SERVICES=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  echo "test.sh: nothing answers on 127.0.0.1:$1" >&2
  return 1
}
apt_install() {
  echo "test.sh: installing $* from Debian's packages" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_postgres() {
  port_open 5432 && return 0
  local fresh=no
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
    fresh=yes
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  if [ "$fresh" = yes ]; then
    # A new cluster trusts local TCP connections, as the test URL expects.
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for_port 5432
  if [ "$fresh" = yes ]; then
    psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
      || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" >/dev/null
  fi
}

ensure_redis() {
  port_open 6379 && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for_port 6379
}

# Printable sign-in cards need a CJK font.
ensure_card_font() {
  for font in /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf \
              /usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
              /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc; do
    [ -f "$font" ] && return 0
  done
  apt_install fonts-droid-fallback
}

# The public wall is checked in a headless browser.
ensure_chromium() {
  command -v chromium >/dev/null || apt_install chromium
}

command -v cargo >/dev/null || { echo "test.sh: cargo is needed (rustup.rs)" >&2; exit 1; }
ensure_postgres
ensure_redis
ensure_card_font
ensure_chromium
exec cargo test --workspace --locked "$@"
