#!/usr/bin/env bash
# Installs the real promptfoo, at a pinned version, into a cache outside the checkout
# (beside code-server's, keyed by version), once: test/unit/promptfooSliceRun.test.ts
# runs it on an exported slice. About 1.4 GB with its optional providers. 0.121.20 is
# the newest release whose `engines` still take Node 20 (^20.20.0; from 0.122.0 on it
# needs Node >= 22.22). Prints the promptfoo binary's path as its last line.
set -euo pipefail

PROMPTFOO_VERSION="0.121.20"
CACHE="${EVALLOOP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/evalloop-e2e}"
PF_DIR="$CACHE/promptfoo-$PROMPTFOO_VERSION"

# Run from an npm script, npm_* variables (the outer prefix among them) would steer the
# inner install into the checkout.
for var in $(compgen -e | grep -i '^npm_' || true); do unset "$var"; done

if [ ! -f "$PF_DIR/.complete" ]; then
  echo "setup: installing promptfoo $PROMPTFOO_VERSION into $PF_DIR (a few minutes, once)" >&2
  rm -rf "$PF_DIR" && mkdir -p "$PF_DIR"
  (cd "$PF_DIR" && npm init -y >/dev/null && \
    npm install --no-audit --no-fund --save-exact "promptfoo@$PROMPTFOO_VERSION" >&2)
  # its database module is native (libsql, prebuilt per platform, an optional dependency:
  # so optional dependencies stay in): it must load under this Node, or every run fails
  (cd "$PF_DIR/node_modules/promptfoo" && node -e "require('libsql')") >&2
  touch "$PF_DIR/.complete"
fi

echo "PROMPTFOO=$PF_DIR/node_modules/.bin/promptfoo"
