# shellcheck shell=sh
# A time limit for one step, for busybox ash: sourced by runit stage 3 and
# /lib/emb/storage.sh. busybox `timeout` is not enough at shutdown: it waits for the
# command it killed, and a command stuck in the kernel (I/O on a hard NFS mount whose
# server is gone) cannot be killed, not even by KILL. So the step runs in the
# background, the caller watches a status file the step writes when it ends, and after
# the bound the caller kills what it can and goes on without waiting for it.

emb_bounded_count=0

# Hundredths of a second since boot, into emb_bounded_now ("123.45" in /proc/uptime;
# leading zeros dropped, or the shell would read the number as octal).
emb_bounded_clock() {
  read -r emb_bounded_now _ < /proc/uptime
  emb_bounded_now=${emb_bounded_now%.*}${emb_bounded_now#*.}
  emb_bounded_now=${emb_bounded_now#"${emb_bounded_now%%[!0]*}"}
  emb_bounded_now=${emb_bounded_now:-0}
}

# Stops process $1 and every process under it: stopped first, so that it cannot start
# more while its children are found, then killed.
emb_bounded_kill_tree() {
  kill -STOP "$1" 2>/dev/null
  for emb_bounded_child in $(pgrep -P "$1" 2>/dev/null); do
    emb_bounded_kill_tree "$emb_bounded_child"
  done
  kill -KILL "$1" 2>/dev/null
}

# emb_bounded SECONDS WHAT COMMAND [ARG…]: runs COMMAND (a program or a shell function)
# for at most SECONDS. Status: the command's own, or 124 when it was still running at the
# bound; it is then killed with everything it started, and "WHAT took over SECONDS s"
# is logged. The command's output goes where the caller's goes.
emb_bounded() {
  emb_bounded_seconds=$1
  emb_bounded_what=$2
  shift 2
  emb_bounded_count=$((emb_bounded_count + 1))
  mkdir -p /run/emb/bounded
  emb_bounded_file=/run/emb/bounded/$$.$emb_bounded_count
  rm -f "$emb_bounded_file"
  ("$@"; echo "$?" > "$emb_bounded_file") &
  emb_bounded_pid=$!
  emb_bounded_clock
  emb_bounded_deadline=$((emb_bounded_now + emb_bounded_seconds * 100))
  # Five looks a second.
  while [ ! -s "$emb_bounded_file" ]; do
    emb_bounded_clock
    if [ "$emb_bounded_now" -ge "$emb_bounded_deadline" ]; then
      emb_bounded_kill_tree "$emb_bounded_pid"
      echo "emb: $emb_bounded_what took over $emb_bounded_seconds s: stopped, going on without it"
      return 124
    fi
    usleep 200000
  done
  # The step has ended (it wrote its status): reap it.
  wait "$emb_bounded_pid" 2>/dev/null
  read -r emb_bounded_status < "$emb_bounded_file"
  rm -f "$emb_bounded_file"
  return "$emb_bounded_status"
}
