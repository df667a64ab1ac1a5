# shellcheck shell=sh
# Kernel modules for busybox ash, sourced by /init. The build writes two lists (the
# image has no modprobe and no modules.dep: the build resolved the dependencies):
# - /etc/emb/modules.load: absolute paths, in load order, loaded at every boot;
# - /etc/emb/modules.optional: one line a module, "name path…", the paths being the
#   module and its dependencies in load order; loaded only when asked for, by
#   /storage/modules or by a step that needs one (nfsv4 for uebo.nfsdir).

emb_modules_log() { echo "emb-modules: $*"; }

# Each module is one fork and exec (insmod) and nothing more: a `$(… | tr …)` or a
# `$(insmod …)` per module cost two or three more, about a third of the boot modules'
# time under QEMU's emulation (issue 13's boot path).

# Status 0 when module $1 (a name; '-' and '_' alike) is in the kernel. The '-' are
# turned into '_' with the shell's own expansions: no subshell, no tr.
emb_module_loaded() {
  emb_modules_rest=$1
  emb_modules_canon=
  while :; do
    case $emb_modules_rest in *-*) ;; *) break ;; esac
    emb_modules_canon=$emb_modules_canon${emb_modules_rest%%-*}_
    emb_modules_rest=${emb_modules_rest#*-}
  done
  [ -d "/sys/module/$emb_modules_canon$emb_modules_rest" ]
}

# Status 0 when module file $1 (a path) is already in the kernel: insmod would fail on it.
emb_module_file_loaded() {
  emb_modules_name=${1##*/}
  emb_module_loaded "${emb_modules_name%%.ko*}"
}

# insmod $1; status 0 when loaded. A failure is one line naming the module and why
# (insmod's own words, which otherwise make a second line).
emb_modules_insmod() {
  if [ ! -e "$1" ]; then
    emb_modules_log "$1 is in the load list but not in the image: skipped${2:+ (for $2)}"
    return 1
  fi
  insmod "$1" 2> /run/emb/insmod.err && return 0
  emb_modules_why=$(cat /run/emb/insmod.err)
  emb_modules_why=$(printf '%s' "$emb_modules_why" | tr '\n' ' ')
  emb_modules_log "could not load $1${2:+ (for $2)}: ${emb_modules_why:-insmod gave no reason}"
  return 1
}

# Loads every path in the file given, skipping what is loaded; one summary line. A
# module that is missing or fails is one line, and the rest are still loaded.
emb_modules_load_boot() {
  [ -r "$1" ] || return 0
  emb_modules_loaded=0
  emb_modules_failed=0
  while read -r emb_modules_path; do
    case $emb_modules_path in '' | '#'*) continue ;; esac
    emb_module_file_loaded "$emb_modules_path" && continue
    if emb_modules_insmod "$emb_modules_path"; then
      emb_modules_loaded=$((emb_modules_loaded + 1))
    else
      emb_modules_failed=$((emb_modules_failed + 1))
    fi
  done < "$1"
  emb_modules_log "$emb_modules_loaded loaded, $emb_modules_failed failed"
}

# Loads module $1 (a name; '-' and '_' alike) with its dependencies from
# /etc/emb/modules.optional. Status 0 when it is loaded afterwards (or was already).
emb_module_load() {
  if emb_module_loaded "$1"; then
    emb_modules_log "$1 already loaded"
    return 0
  fi
  emb_modules_line=$(grep -m 1 "^$(echo "$1" | tr - _) " /etc/emb/modules.optional 2>/dev/null)
  if [ -z "$emb_modules_line" ]; then
    emb_modules_log "$1 is not in the image (the board's optionalModules lists what is): skipped"
    return 1
  fi
  for emb_modules_path in ${emb_modules_line#* }; do
    emb_module_file_loaded "$emb_modules_path" && continue
    emb_modules_insmod "$emb_modules_path" "$1" || return 1
  done
  emb_modules_log "$1 loaded"
}
