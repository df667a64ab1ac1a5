#!/usr/bin/env bash
# emb set-up on a Debian host: the host toolchain and QEMU (the Debian packages named
# in toolchain/packages/*.list, the same lists the Dockerfile installs), the arm64 and
# armhf foreign architectures so Debian's packages for them (kernel, runit, glibc,
# BOINC) can be fetched, the npm dependencies, and then a build and QEMU boot of the
# default board. Safe to run again: it installs only what is missing.
#   --no-boot   stop after installing (CI runs the boot inside npm test)
set -euo pipefail
cd "$(dirname "$0")/.."

boot=yes
for arg in "$@"; do
  case "$arg" in
    --no-boot) boot=no ;;
    *) echo "emb setup: unknown option $arg (known: --no-boot)" >&2; exit 2 ;;
  esac
done

say() { echo "emb setup: $*"; }

if [ ! -r /etc/os-release ] || ! grep -qx 'ID=debian' /etc/os-release; then
  name=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}")
  echo "emb setup: this host is ${name:-not Debian}; emb's host toolchain and kernel provider need Debian (bookworm or later) and its archive. Use a Debian machine or container." >&2
  exit 1
fi
if [ "$(dpkg --print-architecture)" != amd64 ] && [ "$(dpkg --print-architecture)" != arm64 ]; then
  echo "emb setup: host architecture $(dpkg --print-architecture) is not supported (amd64 or arm64)" >&2
  exit 1
fi
sudo=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "emb setup: run as root, or install sudo" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive

# The package lists are data shared with the Dockerfile and the host toolchain's id.
host_arch=$(dpkg --print-architecture)
lists=(common aarch64 armhf amd64 host-only test)
wanted=()
for list in "${lists[@]}"; do
  # A target's cross-compiler list is skipped on a host of that arch: the native gcc is it.
  case "$list:$host_arch" in aarch64:arm64|armhf:armhf|amd64:amd64) continue ;; esac
  while read -r name; do [ -n "$name" ] && wanted+=("$name"); done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "toolchain/packages/$list.list")
done

update_needed=no
for foreign in arm64 armhf; do
  [ "$foreign" = "$host_arch" ] && continue
  if ! dpkg --print-foreign-architectures | grep -qx "$foreign"; then
    say "adding the $foreign architecture (dpkg --add-architecture $foreign)"
    $sudo dpkg --add-architecture "$foreign"
    update_needed=yes
  fi
  if ! ls /var/lib/apt/lists/*_binary-"${foreign}"_Packages* >/dev/null 2>&1; then update_needed=yes; fi
done

missing=()
for name in "${wanted[@]}"; do
  dpkg-query -W -f '${Status}\n' "$name" 2>/dev/null | grep -q 'install ok installed' || missing+=("$name")
done
if [ "${#missing[@]}" -gt 0 ]; then update_needed=yes; fi
if [ "$update_needed" = yes ]; then
  say "apt-get update"
  $sudo apt-get update -qq
fi
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing: ${missing[*]}"
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "host packages: all ${#wanted[@]} present"
fi

say "npm dependencies"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi

if [ "$boot" = yes ]; then
  say "building and booting the default board (qemu-aarch64)"
  npx emb build
  npx emb qemu
fi
say "done"
