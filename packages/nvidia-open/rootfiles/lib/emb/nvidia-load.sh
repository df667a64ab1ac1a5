# shellcheck shell=sh
# NVIDIA's kernel modules for busybox ash, sourced by /etc/sv/nvidia/run on GPU images
# (after /lib/emb/bounded.sh). The build puts the modules, flat, in one directory with
# a marker saying what they were built for, and writes /etc/emb/nvidia.conf naming them
# in load order. The marker is checked before anything is loaded: a module built for
# another kernel can oops it, and a truncated one fails in ways that hide the cause.
# Any problem is one line naming what failed, and nothing is loaded: the node boots on
# without its GPUs. The outcome is one word in $emb_nvidia_run/state:
# off, invalid-marker, no-gpu, load-failed or loaded.
#
# Every path the functions use is a variable set here; a caller may change them after
# sourcing (the host's tests point them at temp dirs). They are set, not defaulted
# from the environment: the kernel hands the name=value words of its command line to
# init's environment, which the services inherit.

emb_nvidia_conf=/etc/emb/nvidia.conf
emb_nvidia_run=/run/emb/nvidia
emb_nvidia_sys_module=/sys/module
emb_nvidia_proc_devices=/proc/devices
emb_nvidia_proc_gpus=/proc/driver/nvidia/gpus
emb_nvidia_pci=/sys/bus/pci/devices
emb_nvidia_dev=/dev
emb_nvidia_insmod=insmod
# nvidia.ko starts every GPU (its GSP firmware included) inside insmod: seconds each.
emb_nvidia_insmod_seconds=300

emb_nvidia_log() { echo "nvidia: $*"; }

# The mode for bee.nvidia.mode value $1 (empty when not given), into emb_nvidia_mode:
# normal, gsp-off or off. /init's parser drops invalid values already; one that gets
# here anyway (a parser and a service that disagree) is not trusted: it counts as normal.
emb_nvidia_pick_mode() {
  case $1 in
    normal | gsp-off | off) emb_nvidia_mode=$1 ;;
    '') emb_nvidia_mode=normal ;;
    *)
      emb_nvidia_mode=normal
      emb_nvidia_log "bee.nvidia.mode=$1 is unknown: treated as normal"
      ;;
  esac
}

# Writes the outcome $1 by a temp file and rename: a reader never sees half a word.
emb_nvidia_set_state() {
  { mkdir -p "$emb_nvidia_run" &&
    printf '%s\n' "$1" > "$emb_nvidia_run/state.tmp" &&
    mv -f "$emb_nvidia_run/state.tmp" "$emb_nvidia_run/state"; } ||
    emb_nvidia_log "could not write $emb_nvidia_run/state ($1)"
}

# Sources the build's $emb_nvidia_conf. Status 1, with emb_nvidia_problem saying why,
# when it is missing or lacks a value, or names a module that is not a plain .ko file
# name (the names become paths and marker keys).
emb_nvidia_read_conf() {
  NVIDIA_DRIVER_VERSION='' NVIDIA_DRIVER_KIND='' NVIDIA_MODULE_DIR='' NVIDIA_MODULES='' NVIDIA_GSP_OFF_PARAMS=''
  emb_nvidia_problem=
  if [ ! -f "$emb_nvidia_conf" ]; then
    emb_nvidia_problem="$emb_nvidia_conf is missing"
    return 1
  fi
  # A syntax error in a sourced file ends the shell that sources it: tried apart first.
  # shellcheck source=/dev/null # written by the build (packages/nvidia-open)
  if ! (. "$emb_nvidia_conf") > /dev/null 2>&1 || ! . "$emb_nvidia_conf"; then
    emb_nvidia_problem="$emb_nvidia_conf could not be read (not sh)"
    return 1
  fi
  for emb_nvidia_setting in "NVIDIA_DRIVER_VERSION=$NVIDIA_DRIVER_VERSION" "NVIDIA_DRIVER_KIND=$NVIDIA_DRIVER_KIND" \
    "NVIDIA_MODULE_DIR=$NVIDIA_MODULE_DIR" "NVIDIA_MODULES=$NVIDIA_MODULES"; do
    case $emb_nvidia_setting in
      *=)
        emb_nvidia_problem="$emb_nvidia_conf sets no ${emb_nvidia_setting%=}"
        return 1
        ;;
    esac
  done
  set -f
  for emb_nvidia_file in $NVIDIA_MODULES; do
    case $emb_nvidia_file in
      .* | */* | *[!A-Za-z0-9._-]*) ;;
      ?*.ko) continue ;;
    esac
    emb_nvidia_problem="$emb_nvidia_conf: NVIDIA_MODULES entry $emb_nvidia_file is not a module file name (name.ko)"
    break
  done
  set +f
  [ -z "$emb_nvidia_problem" ]
}

# The marker's rules, for awk: on the first problem one line saying what is wrong and
# status 1; when it is valid, "file sha256" for each of the modules, in load order.
# Lines are key=value, LF-ended, each key once; unknown keys are ignored.
# shellcheck disable=SC2016 # awk's own $ fields, not the shell's
emb_nvidia_marker_rules='
function fail(text) { if (!bad) print text; bad = 1; exit 1 }
function shown(text) {
  if (text == "") return "(an empty line)"
  gsub(/[^ -~]/, "?", text)
  return length(text) > 60 ? substr(text, 1, 60) "..." : text
}
BEGIN { count = split(modules, module, " ") }
{
  if ($0 ~ /\r$/) fail("line " NR " ends in a carriage return (CRLF line ends): the marker must have LF line ends")
  if (index($0, "\r")) fail("line " NR " holds a carriage return: the marker must have LF line ends")
  eq = index($0, "=")
  key = substr($0, 1, eq - 1)
  if (eq < 2 || key !~ /^[A-Za-z0-9_.-]+$/) fail("line " NR " is not key=value: " shown($0))
  if (key in line) fail("key " key " is on lines " line[key] " and " NR)
  line[key] = NR
  value[key] = substr($0, eq + 1)
}
END {
  if (bad) exit 1
  split("kernel driver_version driver_kind arch", required, " ")
  for (i = 1; i <= 4; i++) {
    if (!(required[i] in value)) fail("required key " required[i] " is missing")
    if (value[required[i]] == "") fail("required key " required[i] " is empty (line " line[required[i]] ")")
  }
  if (value["kernel"] != kernel) fail("kernel is " value["kernel"] " but the running kernel is " kernel)
  if (value["driver_version"] != version) fail("driver_version is " value["driver_version"] " but " conf " has NVIDIA_DRIVER_VERSION=" version)
  if (value["driver_kind"] != kind) fail("driver_kind is " value["driver_kind"] " but " conf " has NVIDIA_DRIVER_KIND=" kind)
  if (value["arch"] != arch) fail("arch is " value["arch"] " but this machine is " arch)
  for (i = 1; i <= count; i++) {
    key = "sha256." module[i]
    if (!(key in value)) fail("no " key " line for " module[i] " (NVIDIA_MODULES lists it)")
    if (value[key] !~ /^[0-9a-fA-F]{64}$/) fail(key " is not 64 hex digits (line " line[key] ")")
  }
  for (i = 1; i <= count; i++) print module[i], tolower(value["sha256." module[i]])
}'

# Checks marker $1 against the running kernel $2 (uname -r), this machine $3 (uname -m),
# the values read by emb_nvidia_read_conf and the module files themselves. Status 0
# when every check passes; else 1, and emb_nvidia_problem names the failing field or step.
emb_nvidia_check_marker() {
  emb_nvidia_problem=
  if [ ! -f "$1" ]; then
    emb_nvidia_problem='missing (no such file)'
    return 1
  fi
  if ! emb_nvidia_expected=$(awk -v kernel="$2" -v arch="$3" -v version="$NVIDIA_DRIVER_VERSION" \
    -v kind="$NVIDIA_DRIVER_KIND" -v modules="$NVIDIA_MODULES" -v conf="$emb_nvidia_conf" \
    "$emb_nvidia_marker_rules" "$1"); then
    emb_nvidia_problem=${emb_nvidia_expected:-could not be read}
    return 1
  fi
  # The files themselves, last: hashing them is the slow part (nvidia.ko is 11 MB).
  while read -r emb_nvidia_file emb_nvidia_want; do
    [ -n "$emb_nvidia_file" ] || continue
    emb_nvidia_path=$NVIDIA_MODULE_DIR/$emb_nvidia_file
    if [ ! -f "$emb_nvidia_path" ]; then
      emb_nvidia_problem="$emb_nvidia_file is missing from $NVIDIA_MODULE_DIR"
      return 1
    fi
    if ! emb_nvidia_sum=$(sha256sum < "$emb_nvidia_path"); then
      emb_nvidia_problem="$emb_nvidia_path could not be read"
      return 1
    fi
    if [ "${emb_nvidia_sum%% *}" != "$emb_nvidia_want" ]; then
      emb_nvidia_problem="sha256 of $emb_nvidia_file does not match the marker (truncated or corrupt file)"
      return 1
    fi
  done << EOF
$emb_nvidia_expected
EOF
}

# The NVIDIA GPUs PCI lists (display class, vendor 10de), as "0000:01:00.0 (10de:2204)"
# words in emb_nvidia_pci_found; status 1 when there is none.
emb_nvidia_pci_gpus() {
  emb_nvidia_pci_found=
  for emb_nvidia_device in "$emb_nvidia_pci"/*; do
    [ -r "$emb_nvidia_device/vendor" ] || continue
    read -r emb_nvidia_vendor < "$emb_nvidia_device/vendor" || continue
    [ "$emb_nvidia_vendor" = 0x10de ] || continue
    emb_nvidia_class=
    read -r emb_nvidia_class < "$emb_nvidia_device/class"
    case $emb_nvidia_class in 0x03*) ;; *) continue ;; esac
    emb_nvidia_id=
    read -r emb_nvidia_id < "$emb_nvidia_device/device"
    emb_nvidia_pci_found="$emb_nvidia_pci_found${emb_nvidia_pci_found:+, }${emb_nvidia_device##*/} (10de:${emb_nvidia_id#0x})"
  done
  [ -n "$emb_nvidia_pci_found" ]
}

# insmod "$2"… with its messages in file $1 (for emb_bounded, which runs it apart).
emb_nvidia_insmod_into() {
  emb_nvidia_out=$1
  shift
  "$emb_nvidia_insmod" "$@" > "$emb_nvidia_out" 2>&1
}

# Loads NVIDIA_MODULES from NVIDIA_MODULE_DIR in order by absolute path, nvidia.ko with
# the parameters $1 (words); a module the kernel has already is skipped. Sets
# emb_nvidia_outcome: loaded, no-gpu (nvidia.ko found no GPU) or load-failed (the
# first failure stops the loading).
emb_nvidia_load_modules() {
  emb_nvidia_params=$1
  emb_nvidia_outcome=loaded
  mkdir -p "$emb_nvidia_run"
  # The names are words, never patterns: globbing is off while the list is split,
  # and while nvidia.ko's parameters are.
  set -f
  for emb_nvidia_file in $NVIDIA_MODULES; do
    set +f
    emb_nvidia_name=$(echo "${emb_nvidia_file%.ko}" | tr - _)
    if [ -d "$emb_nvidia_sys_module/$emb_nvidia_name" ]; then
      emb_nvidia_log "${emb_nvidia_file%.ko} is loaded already: skipped"
      continue
    fi
    if [ "$emb_nvidia_file" = nvidia.ko ]; then
      set -f
      # shellcheck disable=SC2086 # the parameters are words
      set -- "$NVIDIA_MODULE_DIR/$emb_nvidia_file" $emb_nvidia_params
      set +f
    else
      set -- "$NVIDIA_MODULE_DIR/$emb_nvidia_file"
    fi
    emb_nvidia_log "insmod $*"
    emb_bounded "$emb_nvidia_insmod_seconds" "insmod $emb_nvidia_file" \
      emb_nvidia_insmod_into "$emb_nvidia_run/insmod.out" "$@"
    emb_nvidia_status=$?
    [ "$emb_nvidia_status" = 0 ] && continue
    emb_nvidia_outcome=load-failed
    emb_nvidia_error=$(tr '\n' ' ' 2>/dev/null < "$emb_nvidia_run/insmod.out")
    emb_nvidia_error=${emb_nvidia_error% }
    # busybox: "insmod: can't insert '/…/nvidia.ko': No such device" (ENODEV).
    emb_nvidia_enodev=
    case $emb_nvidia_file:$emb_nvidia_error in nvidia.ko:*'No such device'*) emb_nvidia_enodev=1 ;; esac
    if [ "$emb_nvidia_status" = 124 ]; then
      emb_nvidia_log "insmod $emb_nvidia_file did not end within $emb_nvidia_insmod_seconds s: the modules after it not loaded"
    elif [ -n "$emb_nvidia_enodev" ]; then
      # nvidia.ko refuses to load when it takes no GPU: on a host without one, the
      # normal outcome. With an NVIDIA GPU on the bus it is a failure worth its own line.
      if emb_nvidia_pci_gpus; then
        emb_nvidia_log "nvidia.ko took no GPU (No such device) although PCI has NVIDIA $emb_nvidia_pci_found: the GPU is not supported by these modules or did not start (the kernel log's NVRM lines say which); the modules after it not loaded"
      else
        emb_nvidia_outcome=no-gpu
        emb_nvidia_log "no NVIDIA GPU found"
      fi
    else
      emb_nvidia_log "insmod $emb_nvidia_file failed: ${emb_nvidia_error:-status $emb_nvidia_status}; the modules after it not loaded"
    fi
    break
  done
  set +f
  rm -f "$emb_nvidia_run/insmod.out"
  [ "$emb_nvidia_outcome" = loaded ]
}

# The major number of the first of the character devices $2… that /proc/devices-style
# file $1 lists; empty when none is there.
emb_nvidia_char_major() {
  emb_nvidia_devices=$1
  shift
  awk -v names="$*" '
    BEGIN { count = split(names, name, " ") }
    /^Character devices:/ { chars = 1; next }
    /^Block devices:/ { chars = 0 }
    chars && NF == 2 && $1 ~ /^[0-9]+$/ { major[$2] = $1 }
    END { for (i = 1; i <= count; i++) if (name[i] in major) { print major[name[i]]; exit } }
  ' "$emb_nvidia_devices" 2>/dev/null
}

# Character device $1 (a path), major $2, minor $3, mode 0666 as NVIDIA's nvidia-modprobe
# makes them (CUDA programs of any user open them). One already right is kept.
emb_nvidia_node() {
  if [ -c "$1" ] && [ "$(stat -c '%t:%T' "$1")" = "$(printf '%x:%x' "$2" "$3")" ]; then
    chmod 0666 "$1"
    return
  fi
  rm -f "$1" 2>/dev/null && mknod -m 0666 "$1" c "$2" "$3"
}

# The minor numbers of the GPUs in directory $1 (/proc/driver/nvidia/gpus: one entry a
# GPU, its information file saying "Device Minor: N"), one a line. A GPU whose minor
# cannot be read (or is one of the control devices' 254 and 255) takes its place in
# the directory's order.
emb_nvidia_gpu_minors() {
  emb_nvidia_index=0
  for emb_nvidia_gpu in "$1"/*; do
    [ -e "$emb_nvidia_gpu" ] || continue
    emb_nvidia_minor=$(awk -F: '$1 == "Device Minor" { gsub(/[ \t]/, "", $2); print $2; exit }' "$emb_nvidia_gpu/information" 2>/dev/null)
    case $emb_nvidia_minor in
      '' | *[!0-9]* | ????* | 0?*) emb_nvidia_minor=$emb_nvidia_index ;;
    esac
    [ "$emb_nvidia_minor" -le 253 ] || emb_nvidia_minor=$emb_nvidia_index
    echo "$emb_nvidia_minor"
    emb_nvidia_index=$((emb_nvidia_index + 1))
  done
}

# Node $1 of character device major $2, minor $3, added to emb_nvidia_made; said when it fails.
emb_nvidia_add_node() {
  if emb_nvidia_node "$1" "$2" "$3"; then
    emb_nvidia_made="$emb_nvidia_made $1"
  else
    emb_nvidia_log "could not make $1 (c $2 $3)"
    emb_nvidia_nodes_ok=1
  fi
}

# The device nodes the NVIDIA modules serve (the driver registers majors but makes no
# nodes; on a desktop nvidia-modprobe or udev would): in directory $2, from the majors
# in /proc/devices-style file $1 and the GPUs in directory $3. Major: "nvidia-frontend"
# (what 535's nvidia.ko registers), else "nvidia", else 195, NVIDIA's fixed number;
# nvidia-uvm has a dynamic one. Sets emb_nvidia_gpu_count; status 1 when a node could
# not be made (each is said).
emb_nvidia_make_nodes() {
  emb_nvidia_nodes_ok=0
  emb_nvidia_made=
  emb_nvidia_gpu_count=0
  emb_nvidia_major=$(emb_nvidia_char_major "$1" nvidia-frontend nvidia)
  if [ -z "$emb_nvidia_major" ]; then
    emb_nvidia_major=195
    emb_nvidia_log "$1 lists neither nvidia-frontend nor nvidia: using major 195"
  fi
  emb_nvidia_add_node "$2/nvidiactl" "$emb_nvidia_major" 255
  for emb_nvidia_minor in $(emb_nvidia_gpu_minors "$3"); do
    emb_nvidia_add_node "$2/nvidia$emb_nvidia_minor" "$emb_nvidia_major" "$emb_nvidia_minor"
    emb_nvidia_gpu_count=$((emb_nvidia_gpu_count + 1))
  done
  emb_nvidia_add_node "$2/nvidia-modeset" "$emb_nvidia_major" 254
  emb_nvidia_made="$emb_nvidia_made (major $emb_nvidia_major)"
  emb_nvidia_uvm=$(emb_nvidia_char_major "$1" nvidia-uvm)
  if [ -n "$emb_nvidia_uvm" ]; then
    emb_nvidia_made="$emb_nvidia_made,"
    emb_nvidia_add_node "$2/nvidia-uvm" "$emb_nvidia_uvm" 0
    emb_nvidia_add_node "$2/nvidia-uvm-tools" "$emb_nvidia_uvm" 1
    emb_nvidia_made="$emb_nvidia_made (major $emb_nvidia_uvm)"
  else
    emb_nvidia_log "$1 lists no nvidia-uvm: no $2/nvidia-uvm (CUDA needs it)"
    emb_nvidia_nodes_ok=1
  fi
  emb_nvidia_log "device nodes${emb_nvidia_made}"
  return "$emb_nvidia_nodes_ok"
}

# One attempt: mode $1 (bee.nvidia.mode's value, empty when not given), running kernel
# $2, machine $3. Sets emb_nvidia_outcome to the state word.
emb_nvidia_start() {
  emb_nvidia_pick_mode "$1"
  if [ "$emb_nvidia_mode" = off ]; then
    emb_nvidia_log "bee.nvidia.mode=off: NVIDIA modules not loaded"
    emb_nvidia_outcome=off
    return
  fi
  emb_nvidia_outcome=invalid-marker
  if ! emb_nvidia_read_conf; then
    emb_nvidia_log "$emb_nvidia_problem: NVIDIA modules not loaded"
    return
  fi
  if ! emb_nvidia_check_marker "$NVIDIA_MODULE_DIR/marker" "$2" "$3"; then
    emb_nvidia_log "marker $NVIDIA_MODULE_DIR/marker: $emb_nvidia_problem: NVIDIA modules not loaded"
    return
  fi
  emb_nvidia_log "marker valid (kernel $2, driver $NVIDIA_DRIVER_VERSION $NVIDIA_DRIVER_KIND)"
  emb_nvidia_params=
  if [ "$emb_nvidia_mode" = gsp-off ]; then
    emb_nvidia_params=$NVIDIA_GSP_OFF_PARAMS
    [ -n "$emb_nvidia_params" ] || emb_nvidia_log "bee.nvidia.mode=gsp-off, but $emb_nvidia_conf sets no NVIDIA_GSP_OFF_PARAMS: nvidia.ko gets none"
  fi
  emb_nvidia_load_modules "$emb_nvidia_params" || return
  # The modules are in: what the nodes lack is said, and the state stays loaded.
  emb_nvidia_make_nodes "$emb_nvidia_proc_devices" "$emb_nvidia_dev" "$emb_nvidia_proc_gpus"
  emb_nvidia_log "NVIDIA modules loaded (bee.nvidia.mode=$emb_nvidia_mode), $emb_nvidia_gpu_count GPU(s)"
}

# The service's work, once per boot: arguments as for emb_nvidia_start. A state file
# says this boot has tried already (the service was restarted): nothing is done again.
# An attempt that began and never wrote one (killed mid-way, perhaps by a module that
# took the kernel with it) is not repeated either: it counts as load-failed.
# To try again by hand: rm -r /run/emb/nvidia; sv restart nvidia.
emb_nvidia_once() {
  if [ -s "$emb_nvidia_run/state" ]; then
    read -r emb_nvidia_outcome < "$emb_nvidia_run/state"
    emb_nvidia_log "tried once this boot already ($emb_nvidia_outcome): not again"
    return
  fi
  if [ -e "$emb_nvidia_run/attempt" ]; then
    emb_nvidia_log "an earlier attempt this boot ended before it finished: not trying again"
    emb_nvidia_set_state load-failed
    return
  fi
  mkdir -p "$emb_nvidia_run" && : > "$emb_nvidia_run/attempt"
  emb_nvidia_start "$@"
  emb_nvidia_set_state "$emb_nvidia_outcome"
}
