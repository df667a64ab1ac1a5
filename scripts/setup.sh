#!/usr/bin/env bash
# emb set-up on a Debian host: the host toolchain and QEMU (the Debian packages named
# in toolchain/packages/*.list, the same lists the Dockerfile installs), the arm64 and
# armhf foreign architectures so Debian's packages for them (kernel, runit, glibc,
# BOINC) can be fetched, the npm dependencies, and then a build and QEMU boot of the
# default board. Safe to run again: it installs only what is missing.
#   --no-boot   stop after installing (CI runs the boot inside npm test)
# apt-get update is tried EMB_SETUP_UPDATE_TRIES times (3), EMB_SETUP_UPDATE_PAUSE
# seconds apart (10); then set-up goes on with a warning naming the index that failed.
# EMB_SETUP_LISTS_DIR (toolchain/packages) is where the *.list files are read from: the
# set-up test points it at a small list and puts stand-ins for apt-get, dpkg,
# dpkg-query, npm and sudo first on PATH, so nothing on the real system changes.
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
  # shellcheck source=/dev/null # the host's file
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
lists_dir=${EMB_SETUP_LISTS_DIR:-toolchain/packages}
[ -d "$lists_dir" ] || { echo "emb setup: no package lists folder $lists_dir" >&2; exit 1; }
wanted=()
for list in "${lists[@]}"; do
  # A target's cross-compiler list is skipped on a host of that arch: the native gcc is it.
  case "$list:$host_arch" in aarch64:arm64|armhf:armhf|amd64:amd64) continue ;; esac
  [ -f "$lists_dir/$list.list" ] || continue
  while read -r name; do [ -n "$name" ] && wanted+=("$name"); done < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$lists_dir/$list.list")
done

update_needed=no
# Read the list once into a variable: `dpkg … | grep -q` under pipefail fails when grep
# exits at its first match and dpkg dies of SIGPIPE writing the next line (seen in CI).
foreign_archs=$(dpkg --print-foreign-architectures)
for foreign in arm64 armhf; do
  [ "$foreign" = "$host_arch" ] && continue
  if ! grep -qx "$foreign" <<<"$foreign_archs"; then
    say "adding the $foreign architecture (dpkg --add-architecture $foreign)"
    $sudo dpkg --add-architecture "$foreign"
    update_needed=yes
  fi
  if ! ls /var/lib/apt/lists/*_binary-"${foreign}"_Packages* >/dev/null 2>&1; then update_needed=yes; fi
done

missing=()
for name in "${wanted[@]}"; do
  status=$(dpkg-query -W -f '${Status}\n' "$name" 2>/dev/null || true)
  [ "$status" = 'install ok installed' ] || missing+=("$name")
done
if [ "${#missing[@]}" -gt 0 ]; then update_needed=yes; fi
# A mirror mid-sync fails one index ("File has unexpected size … Mirror sync in
# progress?") while every other list updates: retry, then go on with a warning that
# names the index. Only a package that then cannot be installed stops set-up.
update_tries=${EMB_SETUP_UPDATE_TRIES:-3}
update_pause=${EMB_SETUP_UPDATE_PAUSE:-10}
apt_update() {
  local try log
  log=$(mktemp)
  for ((try = 1; try <= update_tries; try++)); do
    if $sudo apt-get update -qq >"$log" 2>&1 && ! grep -q '^E: ' "$log"; then rm -f "$log"; return 0; fi
    if [ "$try" -lt "$update_tries" ]; then
      say "apt-get update failed (try $try of $update_tries); trying again in ${update_pause} s"
      sleep "$update_pause"
    fi
  done
  local failed
  failed=$(sed -n 's/^E: Failed to fetch \([^ ]*\).*/\1/p' "$log" | tr '\n' ' ')
  if [ -n "$failed" ]; then
    say "warning: apt-get update could not fetch ${failed% } after $update_tries tries (mirror mid-sync?); going on with the lists that were fetched"
  else
    say "warning: apt-get update failed after $update_tries tries ($(grep -m1 '^E: ' "$log" || tail -n 1 "$log")); going on with the lists apt has"
  fi
  rm -f "$log"
}

# One line naming the first package apt cannot install, and why.
explain_install_failure() {
  local name reason
  for name in "$@"; do
    if ! reason=$($sudo apt-get install -s -qq --no-install-recommends "$name" 2>&1); then
      reason=$(printf '%s\n' "$reason" | grep -m1 -E '^E: |has no installation candidate|Unable to locate' || printf '%s\n' "$reason" | tail -n 1)
      echo "emb setup: cannot install the Debian package $name (${reason#E: }); check the host's apt sources, run apt-get update, then run set-up again" >&2
      return
    fi
  done
  echo "emb setup: apt-get install failed for: $* (each one alone would install; see apt's messages above)" >&2
}

if [ "$update_needed" = yes ]; then
  say "apt-get update"
  apt_update
fi
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing: ${missing[*]}"
  if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    explain_install_failure "${missing[@]}"
    exit 1
  fi
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
