# shellcheck shell=sh
# Consul catalog registration of this node's exporters, for busybox ash.
# Consul's catalog endpoints want PUT; busybox wget sends only GET and POST, so the
# request is written by hand (HTTP/1.0, Connection: close) and sent with busybox nc,
# which gives up after 5 s. Sourced by the exporters' run and finish scripts after
# services.sh.

# PUT body $2 to path $1 on the uebo.consul agent; status 0 on an HTTP 2xx answer.
emb_consul_put() {
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
    *) echo "consul: PUT $1 to $emb_arg failed: ${emb_consul_status:-no answer}" | tr -d '\r'; return 1 ;;
  esac
}

# Registers service $1 (its name and ID) on port $2 once the node has an IPv4
# address, retrying every 5 s until the agent accepts. Runs in the background of the
# exporter's run script (or of udhcpc's script, to register again); its pid is kept
# so the finish script can stop it. The address registered is kept in
# /run/emb/consul/address for emb_consul_refresh.
emb_consul_register() {
  emb_bootarg uebo_consul || return 0
  while ! emb_consul_address=$(emb_ipv4); do sleep 5; done
  emb_consul_node=$(hostname)
  while ! emb_consul_put /v1/catalog/register \
    "{\"Node\":\"$emb_consul_node\",\"Address\":\"$emb_consul_address\",\"Service\":{\"ID\":\"$1\",\"Service\":\"$1\",\"Port\":$2,\"Tags\":[\"prometheus\"]}}"; do
    sleep 5
  done
  echo "$emb_consul_address" > /run/emb/consul/address
  echo "consul: registered $1 ($emb_consul_node $emb_consul_address:$2) with $emb_arg"
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
# loss (emb_consul_forget_address). Called by udhcpc's script on each lease.
emb_consul_refresh() {
  emb_bootarg uebo_consul || return 0
  emb_consul_now=$(emb_ipv4) || return 0
  [ "$emb_consul_now" = "$(cat /run/emb/consul/address 2>/dev/null)" ] && return 0
  for emb_consul_portfile in /run/emb/consul/*.port; do
    [ -r "$emb_consul_portfile" ] || continue
    emb_consul_service=${emb_consul_portfile##*/}
    emb_consul_service=${emb_consul_service%.port}
    echo "consul: address now $emb_consul_now: registering $emb_consul_service again"
    emb_consul_register_background "$emb_consul_service" "$(cat "$emb_consul_portfile")"
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
  emb_consul_put /v1/catalog/deregister "{\"Node\":\"$(hostname)\",\"ServiceID\":\"$1\"}" &&
    echo "consul: deregistered $1 from $emb_arg"
}
