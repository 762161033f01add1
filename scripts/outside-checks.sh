#!/usr/bin/env bash
# Outside checkers, run by hand (not part of the test suite; they fetch tools from PyPI and npm):
#
# - graphql-schema-linter (npm) on schema/schema.graphql, with all its default rules: names,
#   descriptions on every type, field, argument and enum value, the Relay connection and
#   page-info specs, every type used.
# - schemathesis (PyPI) against a server on the embedded default, for SECONDS (default 120):
#   it must find no 5xx and no response that breaks the schema. Its ST113 ("GraphQL server
#   error") flags every GraphQL `errors` entry, which this API uses by design for refusals
#   (UNAUTHENTICATED, VALIDATION, NOT_FOUND …, each with its code), so ST113 is not counted.
# - cargo-deny (crates.io) on the dependency graph: licences, bans and sources (deny.toml). Its
#   advisories check needs the RustSec database from GitHub, which these machines cannot reach.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_BUDGET="${1:-120}"
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== graphql-schema-linter"
(cd "$work" && npm install --silent graphql graphql-schema-linter >/dev/null)
"$work/node_modules/.bin/graphql-schema-linter" schema/schema.graphql

echo "== cargo deny"
command -v cargo-deny >/dev/null || cargo install --locked cargo-deny
cargo deny --workspace check licenses bans sources

echo "== schemathesis"
command -v st >/dev/null || pip install -q schemathesis
cargo build -q
DATA_DIR="$work/data" BIND=127.0.0.1:18099 ./target/debug/tongsheng >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:18099/readyz >/dev/null && break; sleep 0.5; done
st run schema/schema.graphql --url http://127.0.0.1:18099/graphql --max-time "$SECONDS_BUDGET" \
  --workers 2 >"$work/st.out" 2>&1 || true
grep -E "generated|Tested:" "$work/st.out" || true
if grep -E "^\s*\[5[0-9][0-9]\]" "$work/st.out"; then
  echo "schemathesis: a 5xx answer" >&2
  exit 1
fi
other="$(grep -oE "ST[0-9]{3}" "$work/st.out" | sort -u | grep -v '^ST113$' || true)"
if [ -n "$other" ]; then
  echo "schemathesis: failures other than ST113: $other" >&2
  exit 1
fi
echo "schemathesis: no 5xx, no schema violation"
