# shellcheck shell=sh
# What a valid value is for each known kernel argument, for busybox ash; sourced with
# cmdline.sh. The same rules as src/cmdline/known-args.ts (the differential test holds
# them together). Only ASCII passes any of them, so byte and character counts agree.

# Status 0 when $1 is a host name: dot-separated labels of letters, digits and dashes,
# each 1-63 long, no dash at a label's ends, at most $2 characters in all.
emb_cl_is_host() {
  # shellcheck disable=SC2154 # emb_cl_alnum is set by cmdline.sh, sourced with this file
  case $1 in
    '' | *[!$emb_cl_alnum.-]* | .* | *. | *..* | -* | *- | *.-* | *-.*) return 1 ;;
  esac
  [ "${#1}" -le "$2" ] || return 1
  emb_cl_hrest=$1
  while :; do
    emb_cl_label=${emb_cl_hrest%%.*}
    [ "${#emb_cl_label}" -le 63 ] || return 1
    case $emb_cl_hrest in
      *.*) emb_cl_hrest=${emb_cl_hrest#*.} ;;
      *) return 0 ;;
    esac
  done
}

# Status 0 when $1 is an IPv4 address: four parts 0-255 without a leading zero.
emb_cl_is_ipv4() {
  case $1 in
    *[!0-9.]* | .* | *. | *..*) return 1 ;;
  esac
  emb_cl_iprest=$1. emb_cl_ipparts=0
  while [ -n "$emb_cl_iprest" ]; do
    case ${emb_cl_iprest%%.*} in
      [0-9] | [1-9][0-9] | 1[0-9][0-9] | 2[0-4][0-9] | 25[0-5]) ;;
      *) return 1 ;;
    esac
    emb_cl_iprest=${emb_cl_iprest#*.} emb_cl_ipparts=$((emb_cl_ipparts + 1))
  done
  [ "$emb_cl_ipparts" -eq 4 ]
}

emb_cl_host_rule='host names are dot-separated labels of letters, digits and dashes (1-63 each, no dash at either end)'

# Status 0 when $2 is a valid value for known key $1; else emb_cl_why says what is wrong.
emb_cl_valid() {
  emb_cl_why=
  case $1 in
    uebo.hostname)
      emb_cl_is_host "$2" 64 || emb_cl_why="not a valid host name: $emb_cl_host_rule, 64 characters in all"
      ;;
    uebo.nfsdir)
      # Split at the first ':'; the path may hold no other.
      case $2 in
        *:*)
          emb_cl_is_host "${2%%:*}" 253 || emb_cl_why="the server is not a host name or IPv4 address: $emb_cl_host_rule"
          # shellcheck disable=SC2154 # emb_cl_alnum is set by cmdline.sh, sourced with this file
          case ${2#*:} in
            *[!$emb_cl_alnum._/+-]*) emb_cl_why='the path may hold only letters, digits and . _ / + -' ;;
            /*) ;;
            *) emb_cl_why='the path must start with /' ;;
          esac
          ;;
        *) emb_cl_why='must be server:/path, e.g. nas.lan:/export/nodes' ;;
      esac
      ;;
    uebo.storage.wait)
      # No leading zero: the shell would read it as octal.
      case $2 in
        [1-9] | [1-9][0-9] | [1-9][0-9][0-9])
          [ "$2" -le 600 ] || emb_cl_why='must be whole seconds from 1 to 600, e.g. 10'
          ;;
        *) emb_cl_why='must be whole seconds from 1 to 600, e.g. 10' ;;
      esac
      ;;
    uebo.boinc.password)
      # tr deletes the allowed bytes (printable ASCII but space); any byte left is wrong.
      # The dot keeps $(...) from eating trailing newlines that are left.
      emb_cl_left=$(printf '%s' "$2" | tr -d '!-~'; echo .)
      if [ "$emb_cl_left" != . ] || [ "${#2}" -gt 255 ]; then
        emb_cl_why='must be 1-255 printable ASCII characters without spaces'
      fi
      ;;
    uebo.boinc.remote_hosts)
      case $2 in
        ,* | *, | *,,*) emb_cl_why='has an empty entry: write host1,host2' ;;
        *)
          emb_cl_lrest=$2
          while :; do
            emb_cl_is_host "${emb_cl_lrest%%,*}" 253 || emb_cl_why="an entry is not a host name or IPv4 address: $emb_cl_host_rule"
            case $emb_cl_lrest in
              *,*) emb_cl_lrest=${emb_cl_lrest#*,} ;;
              *) break ;;
            esac
          done
          ;;
      esac
      ;;
    uebo.consul)
      case $2 in
        *:*:* | :* | *:) emb_cl_why='must be host:port, e.g. consul.lan:8500' ;;
        *:*)
          emb_cl_is_host "${2%:*}" 253 || emb_cl_why="the host is not a host name or IPv4 address: $emb_cl_host_rule"
          case ${2#*:} in
            [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9])
              [ "${2#*:}" -le 65535 ] || emb_cl_why='the port must be 1-65535'
              ;;
            *) emb_cl_why='the port must be 1-65535' ;;
          esac
          ;;
        *) emb_cl_why='must be host:port, e.g. consul.lan:8500' ;;
      esac
      ;;
    uebo.metrics.listen)
      emb_cl_is_ipv4 "$2" || emb_cl_why='must be an IPv4 address of the node, e.g. 127.0.0.1 (0.0.0.0: every address)'
      ;;
    bee.nvidia.mode)
      case $2 in
        normal | gsp-off | off) ;;
        *) emb_cl_why='must be normal, gsp-off or off' ;;
      esac
      ;;
    bee.nvidia.metrics_interval)
      # No leading zero: the shell would read it as octal.
      case $2 in
        [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9])
          [ "$2" -le 3600 ] || emb_cl_why='must be whole seconds from 1 to 3600, e.g. 5'
          ;;
        *) emb_cl_why='must be whole seconds from 1 to 3600, e.g. 5' ;;
      esac
      ;;
  esac
  [ -z "$emb_cl_why" ]
}
