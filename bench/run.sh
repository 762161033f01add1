#!/usr/bin/env bash
# Benchmarks, run by hand (not part of the test suite): each reports against a baseline measured
# in the same run. Installs the baselines' tools from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v vipsthumbnail >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq libvips-tools >/dev/null; fi
fi
if ! command -v valgrind >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq valgrind >/dev/null; fi
fi
cargo bench --bench media_pipeline
cargo bench -p moderation --bench screen
cargo bench --bench service
cargo bench --bench burst
cargo bench --bench instructions
cargo bench --bench history
