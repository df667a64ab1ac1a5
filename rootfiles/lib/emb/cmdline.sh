# shellcheck shell=sh
# Kernel command line parser for busybox ash, sourced by /init after cmdline-values.sh.
# It sources the image's table of known keys, /lib/emb/known-args.sh, generated at build
# time from src/cmdline/known-args.ts (the one place a key is added).
# The build-time twin is src/cmdline/ (TypeScript); test/e2e/cmdline-differential.test.ts
# runs both on the same corpus and requires identical output, so a rule changes in both
# or in neither.
#
# The kernel's rules (lib/cmdline.c next_arg(), kernel/params.c parse_args(),
# init/main.c set_init_arg()):
# - words are split at the kernel's isspace(): space, \t \n \v \f \r, and byte 0xA0
#   (lib/ctype.c); there are no escapes;
# - a '"' toggles quoting anywhere in a word; only a word's leading quote, the quote
#   right after its first '=', and the matching last quote are removed;
# - the first '=' not at the word's start splits key from value;
# - a bare "--" ends the kernel's arguments: what follows goes to init, up to a
#   second "--", after which the kernel ignores the rest.
# The last of duplicate keys wins. Only known keys are kept, and only valid values.
#
# Safety: no eval, no unquoted expansion of anything read from the command line, and
# values leave this file only single-quoted (emb_cl_quote). The environment cannot
# pre-set our state: the kernel hands unknown "name=value" words to init's environment,
# so emb_cmdline_parse resets every variable it reads.

# Byte semantics: ${#v} and patterns must count bytes, whatever LANG the command line set.
LC_ALL=C
# Callers set this after sourcing; a value from the environment (the command line) is not ours.
emb_cmdline_quiet=
emb_cl_ws=$(printf ' \011\012\013\014\015\240.')
emb_cl_ws=${emb_cl_ws%.}
emb_cl_nl='
'
# shellcheck disable=SC2034 # used by cmdline-values.sh's rules
emb_cl_alnum=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789

# The table of known keys: emb_cl_keys (the keys, in the order results are reported)
# and emb_cl_forget, emb_cl_remember, emb_cl_recall, emb_cl_accept, emb_cl_is_secret
# (per-key state, see the file). A caller that has defined the table already keeps it:
# the host's tests source one generated from the same zod table first. The test is on
# a function, which the environment (the command line's name=value words) cannot
# define, as it could a variable. Without the file the node still boots, knowing no key.
case $(command -V emb_cl_remember 2>/dev/null) in
  *function*) ;;
  *)
    if [ -r /lib/emb/known-args.sh ]; then
      # shellcheck source=/dev/null # generated at build time (src/cmdline/known-args-shell.ts)
      . /lib/emb/known-args.sh
    else
      echo 'emb-cmdline: /lib/emb/known-args.sh is missing: no kernel argument is known' >&2
      emb_cl_keys=
      emb_cl_forget() { :; }
      emb_cl_remember() { return 1; }
      emb_cl_recall() { emb_cl_n=0 emb_cl_h=0 emb_cl_v='' emb_cl_ok=0 emb_cl_name=''; }
      emb_cl_accept() { :; }
      emb_cl_is_secret() { return 1; }
    fi
    ;;
esac

# $1 single-quoted for sh, into emb_cl_q: every ' becomes '\'' so the text stays data.
# Results go through variables, not $(...): a subshell per word would make long lines slow.
emb_cl_quote() {
  emb_cl_q=
  emb_cl_qrest=$1
  while :; do
    case $emb_cl_qrest in
      *\'*)
        emb_cl_q=$emb_cl_q${emb_cl_qrest%%\'*}"'\\''"
        emb_cl_qrest=${emb_cl_qrest#*\'}
        ;;
      *)
        emb_cl_q="'$emb_cl_q$emb_cl_qrest'"
        return
        ;;
    esac
  done
}

# A warning: kept in canonical form for emb_cmdline_dump, and said on stderr (the
# console at boot) unless emb_cmdline_quiet=1. $1 code, $2 key, $3 message. Values
# are never printed: one of them may be a password.
emb_cl_warn() {
  emb_cl_quote "$2"
  emb_cl_warnings="${emb_cl_warnings}warn $1 $emb_cl_q$emb_cl_nl"
  [ "$emb_cmdline_quiet" = 1 ] || printf 'emb-cmdline: %s: %s\n' "$emb_cl_q" "$3" >&2
}

emb_cl_skip_spaces() {
  emb_cl_rest=${emb_cl_rest#"${emb_cl_rest%%[!"$emb_cl_ws"]*}"}
}

# next_arg(): take one word from emb_cl_rest (which starts at a non-space) into
# emb_cl_param, emb_cl_val and emb_cl_has_val, and skip the spaces after it.
emb_cl_next_arg() {
  emb_cl_quoted=0
  emb_cl_inq=0
  case $emb_cl_rest in
    \"*) emb_cl_rest=${emb_cl_rest#\"}; emb_cl_quoted=1; emb_cl_inq=1 ;;
  esac
  emb_cl_tok=
  emb_cl_has_val=0
  emb_cl_param=
  emb_cl_val=
  while :; do
    # A run of ordinary bytes up to the next quote, '=' or (outside quotes) space.
    if [ "$emb_cl_inq" = 1 ]; then
      emb_cl_run=${emb_cl_rest%%[\"=]*}
    else
      emb_cl_run=${emb_cl_rest%%["$emb_cl_ws"\"=]*}
    fi
    emb_cl_tok=$emb_cl_tok$emb_cl_run
    emb_cl_rest=${emb_cl_rest#"$emb_cl_run"}
    case $emb_cl_rest in
      '') break ;;
      \"*)
        emb_cl_tok=$emb_cl_tok\"
        emb_cl_rest=${emb_cl_rest#\"}
        emb_cl_inq=$((1 - emb_cl_inq))
        ;;
      =*)
        # The kernel records the first '=' at an index above 0 only.
        if [ "$emb_cl_has_val" = 0 ] && [ -n "$emb_cl_tok" ]; then
          emb_cl_has_val=1
          emb_cl_param=$emb_cl_tok
        fi
        emb_cl_tok=$emb_cl_tok=
        emb_cl_rest=${emb_cl_rest#=}
        ;;
      *) break ;;
    esac
  done
  emb_cl_skip_spaces
  if [ "$emb_cl_has_val" = 1 ]; then
    emb_cl_val=${emb_cl_tok#"$emb_cl_param="}
    emb_cl_last_cut=0
    case $emb_cl_val in
      \"*)
        emb_cl_val=${emb_cl_val#\"}
        case $emb_cl_tok in
          *\") emb_cl_last_cut=1; [ -n "$emb_cl_val" ] && emb_cl_val=${emb_cl_val%\"} ;;
        esac
        ;;
    esac
    if [ "$emb_cl_quoted" = 1 ] && [ "$emb_cl_last_cut" = 0 ]; then
      case $emb_cl_tok in *\") emb_cl_val=${emb_cl_val%\"} ;; esac
    fi
  else
    emb_cl_param=$emb_cl_tok
    if [ "$emb_cl_quoted" = 1 ]; then
      case $emb_cl_tok in *\") emb_cl_param=${emb_cl_tok%\"} ;; esac
    fi
  fi
}

# The word as init receives it (init/main.c repair_env_string()), quoted, into emb_cl_q.
emb_cl_quote_word() {
  if [ "$emb_cl_has_val" = 1 ]; then
    emb_cl_quote "$emb_cl_param=$emb_cl_val"
  else
    emb_cl_quote "$emb_cl_param"
  fi
}

# Parse the command line text $1; results through emb_cmdline_value, emb_cmdline_bootargs
# and emb_cmdline_dump. Needs cmdline-values.sh sourced too (emb_cl_valid).
emb_cmdline_parse() {
  emb_cl_warnings=
  emb_cl_pass=
  emb_cl_init=
  emb_cl_forget
  emb_cl_rest=$1
  emb_cl_skip_spaces
  emb_cl_phase=kernel
  while [ -n "$emb_cl_rest" ]; do
    emb_cl_next_arg
    if [ "$emb_cl_has_val" = 0 ] && [ "$emb_cl_param" = -- ]; then
      if [ "$emb_cl_phase" = kernel ]; then
        emb_cl_phase=init
        continue
      fi
      emb_cl_warn ignored -- 'a second "--": the kernel ignores everything after it'
      break
    fi
    if [ "$emb_cl_phase" = init ]; then
      emb_cl_quote_word
      emb_cl_init="${emb_cl_init}init $emb_cl_q$emb_cl_nl"
    elif ! emb_cl_remember; then
      case $emb_cl_param in
        uebo.* | bee.*) emb_cl_warn unknown "$emb_cl_param" 'unknown key, ignored (a typo?)' ;;
        *)
          emb_cl_quote_word
          emb_cl_pass="${emb_cl_pass}pass $emb_cl_q$emb_cl_nl"
          ;;
      esac
    fi
  done
  for emb_cl_key in $emb_cl_keys; do
    emb_cl_settle "$emb_cl_key"
  done
}

# Judge the last value given for key $1: duplicates and secrets warn, an invalid value
# is dropped with a warning, a valid one is accepted.
emb_cl_settle() {
  emb_cl_recall "$1"
  [ "$emb_cl_n" -gt 0 ] || return 0
  [ "$emb_cl_n" -gt 1 ] && emb_cl_warn duplicate "$1" "given $emb_cl_n times; the last one counts"
  emb_cl_is_secret "$1" && emb_cl_warn secret "$1" '/proc/cmdline is world-readable: every local user can read this password'
  if [ "$emb_cl_h" = 0 ]; then
    emb_cl_warn invalid "$1" "needs a value ($1=...); dropped"
  elif [ -z "$emb_cl_v" ]; then
    emb_cl_warn invalid "$1" 'is empty; dropped'
  elif emb_cl_valid "$1" "$emb_cl_v"; then
    emb_cl_accept "$1"
  else
    # shellcheck disable=SC2154 # emb_cl_valid (cmdline-values.sh) sets emb_cl_why
    emb_cl_warn invalid "$1" "$emb_cl_why; dropped"
  fi
}

# Status 0 and the value in emb_cmdline_value when known key $1 was given a valid value.
emb_cmdline_value() {
  emb_cl_recall "$1"
  emb_cmdline_value=
  [ "$emb_cl_ok" = 1 ] || return 1
  emb_cmdline_value=$emb_cl_v
}

# The bootargs file's text: name='value' per accepted key (dots become underscores,
# so each line is a plain sh assignment).
emb_cmdline_bootargs() {
  for emb_cl_key in $emb_cl_keys; do
    if emb_cmdline_value "$emb_cl_key"; then
      emb_cl_quote "$emb_cmdline_value"
      printf '%s=%s\n' "$emb_cl_name" "$emb_cl_q"
    fi
  done
}

# Write $1 for root only (it may hold the BOINC password), by a temp file and rename.
emb_cmdline_write_bootargs() {
  rm -f "$1.tmp"
  (
    # The umask must be set before the file is created, so the redirection is in here.
    umask 077
    {
      echo '# Known kernel arguments with valid values, from /proc/cmdline (see /lib/emb/cmdline.sh).'
      echo '# Sourcing this file only assigns variables.'
      emb_cmdline_bootargs
    } > "$1.tmp"
  ) && mv -f "$1.tmp" "$1"
}

# The canonical form the differential test compares with the TypeScript parser's.
emb_cmdline_dump() {
  emb_cmdline_bootargs
  printf '%s%s%s' "$emb_cl_warnings" "$emb_cl_pass" "$emb_cl_init"
}

# /proc/cmdline's text without the newline the kernel appends when it is read.
emb_cmdline_read() {
  emb_cmdline_text=$(cat /proc/cmdline; echo .)
  emb_cmdline_text=${emb_cmdline_text%.}
  emb_cmdline_text=${emb_cmdline_text%"$emb_cl_nl"}
}
