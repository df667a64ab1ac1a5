# shellcheck shell=sh
# Consul catalog registration of this node's exporters, for busybox ash.
# Consul's catalog endpoints want PUT; busybox wget sends only GET and POST, so the
# request is written by hand (HTTP/1.0, Connection: close) and sent with busybox nc,
# which gives up after 5 s. Sourced by the exporters' run and finish scripts after
# services.sh.

# How often a registered exporter is registered again. Consul's register is an
# upsert, so this costs one small request per exporter and period, and a Consul that
# lost its catalog (restarted without its data, or the node was removed) has the
# exporters back within it, without the node having noticed the outage.
emb_consul_renew_seconds=30
# How often a registration that failed is tried again.
emb_consul_retry_seconds=5

# PUT body $2 to path $1 on the uebo.consul agent; status 0 on an HTTP 2xx answer,
# else status 1 with what went wrong in emb_consul_failure (the caller says it).
emb_consul_put() {
  emb_consul_failure=
  emb_bootarg uebo_consul || return 1
  # shellcheck disable=SC2154 # emb_arg is set by emb_bootarg (services.sh, which the callers source first)
  emb_consul_host=${emb_arg%:*}
  emb_consul_port=${emb_arg##*:}
  emb_consul_status=$(
    printf 'PUT %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
      "$1" "$emb_arg" "${#2}" "$2" |
      timeout 10 nc -w 5 "$emb_consul_host" "$emb_consul_port" 2>/dev/null | head -n 1
  )
  case $emb_consul_status in
    'HTTP/1.'[01]' 2'*) return 0 ;;
  esac
  emb_consul_failure=$(printf 'PUT %s to %s failed: %s' "$1" "$emb_arg" "${emb_consul_status:-no answer}" | tr -d '\r')
  return 1
}

# Registers service $1 (its name and ID) on port $2 once the node has an IPv4
# address, tries again every emb_consul_retry_seconds until the agent accepts, then
# registers again every emb_consul_renew_seconds, for as long as the service runs.
# Runs in the background of the exporter's run script; its pid is kept so the finish
# script can stop it and emb_consul_refresh can wake it. Quiet
# when all is well: the first registration is one line, an outage one line when it
# starts and one when it ends. The address registered is kept in
# /run/emb/consul/address for emb_consul_refresh.
emb_consul_register() {
  emb_bootarg uebo_consul || return 0
  emb_consul_failures=0
  emb_consul_done=
  while :; do
    if ! emb_consul_address=$(emb_ipv4); then
      sleep "$emb_consul_retry_seconds"
      continue
    fi
    emb_consul_node=$(hostname)
    if emb_consul_put /v1/catalog/register \
      "{\"Node\":\"$emb_consul_node\",\"Address\":\"$emb_consul_address\",\"Service\":{\"ID\":\"$1\",\"Service\":\"$1\",\"Port\":$2,\"Tags\":[\"prometheus\"]}}"; then
      [ "$emb_consul_address" = "$(cat /run/emb/consul/address 2>/dev/null)" ] || echo "$emb_consul_address" > /run/emb/consul/address
      if [ -z "$emb_consul_done" ]; then
        echo "consul: registered $1 ($emb_consul_node $emb_consul_address:$2) with $emb_arg"
      elif [ "$emb_consul_address" != "$emb_consul_done" ]; then
        echo "consul: registered $1 again with $emb_arg, at the node's new address $emb_consul_address"
      elif [ "$emb_consul_failures" -gt 0 ]; then
        echo "consul: registered $1 again with $emb_arg, after $emb_consul_failures failed tries"
      fi
      emb_consul_done=$emb_consul_address
      emb_consul_failures=0
      sleep "$emb_consul_renew_seconds"
    else
      [ "$emb_consul_failures" = 0 ] && echo "consul: $emb_consul_failure: trying again every $emb_consul_retry_seconds s (said once)"
      emb_consul_failures=$((emb_consul_failures + 1))
      sleep "$emb_consul_retry_seconds"
    fi
  done
}

# Starts emb_consul_register in the background, its pid in /run/emb/consul/$1.pid
# (a pending registration of $1 is stopped first) and its port in $1.port: the
# services emb_consul_refresh registers again.
emb_consul_register_background() {
  emb_bootarg uebo_consul || return 0
  mkdir -p /run/emb/consul
  emb_consul_stop_pending "$1"
  echo "$2" > "/run/emb/consul/$1.port"
  emb_consul_register "$1" "$2" &
  echo $! > "/run/emb/consul/$1.pid"
}

# Stops a registration of $1 still retrying in the background, if there is one.
emb_consul_stop_pending() {
  [ -r "/run/emb/consul/$1.pid" ] || return 0
  kill "$(cat "/run/emb/consul/$1.pid")" 2>/dev/null
  rm -f "/run/emb/consul/$1.pid"
}

# Registers every running exporter again when the node's address is not the one
# Consul was given: a lease with a new address, or the first lease after a link
# loss (emb_consul_forget_address). Called by udhcpc's script on each lease. Each
# exporter's registration loop is woken from its sleep, so it registers the new
# address at once and goes on logging to the exporter's own log; an exporter whose
# loop is gone gets a new one (logging to the network service's log).
emb_consul_refresh() {
  emb_bootarg uebo_consul || return 0
  emb_consul_now=$(emb_ipv4) || return 0
  [ "$emb_consul_now" = "$(cat /run/emb/consul/address 2>/dev/null)" ] && return 0
  for emb_consul_portfile in /run/emb/consul/*.port; do
    [ -r "$emb_consul_portfile" ] || continue
    emb_consul_service=${emb_consul_portfile##*/}
    emb_consul_service=${emb_consul_service%.port}
    emb_consul_loop=$(cat "/run/emb/consul/$emb_consul_service.pid" 2>/dev/null)
    if [ -n "$emb_consul_loop" ] && kill -0 "$emb_consul_loop" 2>/dev/null; then
      pkill -x -P "$emb_consul_loop" sleep
    else
      echo "consul: address now $emb_consul_now: registering $emb_consul_service again"
      emb_consul_register_background "$emb_consul_service" "$(cat "$emb_consul_portfile")"
    fi
  done
}

# After a link loss the next lease may be elsewhere, and the Consul server may have
# lost its catalog meanwhile: forgetting the address registered makes the next lease
# register again (one request per exporter; Consul's register is an upsert).
emb_consul_forget_address() {
  rm -f /run/emb/consul/address
}

# Stops a pending registration of $1 and deregisters it: one try, bounded by nc's
# timeouts, so that stopping a service (and the node's shutdown) never waits long.
emb_consul_deregister() {
  emb_consul_stop_pending "$1"
  rm -f "/run/emb/consul/$1.port"
  emb_bootarg uebo_consul || return 0
  if emb_consul_put /v1/catalog/deregister "{\"Node\":\"$(hostname)\",\"ServiceID\":\"$1\"}"; then
    echo "consul: deregistered $1 from $emb_arg"
  else
    echo "consul: $emb_consul_failure"
    return 1
  fi
}
