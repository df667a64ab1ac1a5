# shellcheck shell=sh
# The exporters' listening address, for /etc/sv/node-exporter/run and
# /etc/sv/boinc-exporter/run: the node's uebo.metrics.listen, else the board's
# metrics.listen (/etc/emb/metrics-listen, written by emb build), else every address.
# Both values were checked (the kernel argument by /init's parser, the board's by emb).
# Sourced after services.sh.

# Sets $emb_listen to the address (0.0.0.0 for every address).
emb_metrics_listen() {
  if emb_bootarg uebo_metrics_listen; then
    # shellcheck disable=SC2154 # emb_bootarg (services.sh, sourced before this file) sets emb_arg
    emb_listen=$emb_arg
  else
    emb_listen=$(cat /etc/emb/metrics-listen 2>/dev/null)
  fi
  [ -n "$emb_listen" ] || emb_listen=0.0.0.0
}

# Status 0 when only the node itself reaches $emb_listen (no Consul registration then).
emb_metrics_loopback() {
  case $emb_listen in
    127.*) return 0 ;;
  esac
  return 1
}

# Status 0 when a server can bind $emb_listen now: every address, a loopback one, or
# one an interface holds (a DHCP address comes some seconds into the boot).
emb_metrics_bindable() {
  case $emb_listen in
    0.0.0.0 | 127.*) return 0 ;;
  esac
  ip -4 -o addr show 2>/dev/null | grep -q " inet $emb_listen/"
}

# Checks $emb_listen for service $1 before it starts: status 1, after saying so once
# and a pause (runsv then tries again), while no interface holds the address.
emb_metrics_wait_bindable() {
  emb_metrics_bindable && return 0
  emb_say_once "$1-listen" "$1: no interface has $emb_listen (uebo.metrics.listen or the board's metrics.listen) yet: waiting for it"
  sleep 5
  return 1
}
