#!/usr/bin/env bash
# Runs every test of tokenhub: formatting, lints, unit, integration and end-to-end tests
# (a real hub on a free loopback port, driven by the real kubectl). It installs what the
# tests need when it is missing; it is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
if ! need kubectl; then
  echo "kubectl (v1.32) is required for the end-to-end tests; install it and re-run" >&2
  exit 1
fi

if ! need curl; then
  # An HTTP/2 client besides kubectl, for the end-to-end tests.
  apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
