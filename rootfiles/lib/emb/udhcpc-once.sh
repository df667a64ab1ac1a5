#!/bin/sh
# udhcpc script for /lib/emb/storage.sh's one-shot DHCP before NFS storage is mounted.
# udhcpc passes the lease in the environment: interface, ip, mask (prefix length),
# broadcast, router, dns, domain. The network service takes the interface over later.
# shellcheck disable=SC2154 # interface, ip, router…: set by udhcpc, not here
case $1 in
  deconfig)
    ip -4 addr flush dev "$interface" 2>/dev/null
    ip link set "$interface" up
    ;;
  bound | renew)
    ip -4 addr flush dev "$interface" 2>/dev/null
    ip addr add "$ip/${mask:-24}" broadcast "${broadcast:-+}" dev "$interface" || exit 1
    for gateway in $router; do
      ip route replace default via "$gateway" dev "$interface" && break
    done
    if [ -n "$dns" ]; then
      {
        [ -n "$domain" ] && echo "search $domain"
        for server in $dns; do echo "nameserver $server"; done
      } > /etc/resolv.conf
    fi
    ;;
esac
exit 0
