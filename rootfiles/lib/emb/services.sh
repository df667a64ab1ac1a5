# shellcheck shell=sh
# Helpers for the runit services under /etc/sv, for busybox ash: sourced by their run
# and finish scripts. Nothing here blocks for long: every wait has a bound.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

# Sets $emb_arg to the value of a known kernel argument, by its bootargs variable name
# (uebo_consul, uebo_boinc_password…); status 1 when it was not given. The file is
# /init's own output, each value quoted: sourcing it runs nothing. A subshell keeps
# the other values (the password) out of the caller's variables.
emb_bootarg() {
  emb_arg=
  [ -r /run/emb/bootargs ] || return 1
  # shellcheck source=/dev/null # written by /init at boot
  emb_arg=$(. /run/emb/bootargs; eval "printf '%s' \"\${$1-}\"")
  [ -n "$emb_arg" ]
}

# The node's first global IPv4 address on stdout; status 1 when it has none yet.
emb_ipv4() {
  ip -4 -o addr show scope global 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; found = 1; exit } END { exit !found }'
}

# Says $2 once per boot for marker $1 (a file under /run/emb/said): a service that
# refuses to run explains why once, not on every restart.
emb_say_once() {
  mkdir -p /run/emb/said
  [ -e "/run/emb/said/$1" ] && return 0
  : > "/run/emb/said/$1"
  echo "$2"
}

# Moves the calling shell into cgroup v2 group $1 with memory.max $2 bytes (children
# follow it); /init mounts cgroup2 on /sys/fs/cgroup. Status 1, with a
# line saying why, when the kernel has no memory controller: the caller then uses
# chpst -m as its fallback.
emb_memory_cgroup() {
  if ! grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
    echo "no cgroup v2 memory controller"
    return 1
  fi
  grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || echo +memory > /sys/fs/cgroup/cgroup.subtree_control || return 1
  mkdir -p "/sys/fs/cgroup/$1" &&
    echo "$2" > "/sys/fs/cgroup/$1/memory.max" &&
    echo $$ > "/sys/fs/cgroup/$1/cgroup.procs"
}

# MemTotal in bytes.
emb_mem_total() {
  awk '/^MemTotal:/ { printf "%d\n", $2 * 1024 }' /proc/meminfo
}
