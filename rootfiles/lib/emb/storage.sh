# shellcheck shell=sh
# Persistent storage for busybox ash: sourced by /init (mount, clock, host name,
# extra modules) and by runit stage 3 (save the clock, unmount). Every step is bounded
# in time and a failure only logs: a node without its storage still boots.
# /storage is mounted nosuid,nodev: it holds data (BOINC's projects run from it, so
# not noexec), never set-uid programs or device nodes.
#
# Bounds (worst case each, on top of a normal boot):
# - local disk: one look at the disks the kernel has found once the boot modules are
#   loaded (blkid, up to 5 s), no waiting: a node without a disk must not pay for one.
#   A disk the kernel finds late (USB, some SD readers) is waited for only when the
#   command line asks, uebo.storage.wait=SECONDS (a look every 0.2 s until then);
#   e2fsck -p up to 60 s (then the filesystem is mounted unchecked; the journal still
#   replays);
# - NFS (uebo.nfsdir): DHCP up to about 8 s per interface (udhcpc -t 3 -T 2, then
#   the next interface), name lookup up to 5 s, the mount up to 20 s;
# - shutdown (each step through emb_bounded, /lib/emb/bounded.sh, which never waits
#   for a step stuck in the kernel): a look at /storage up to 5 s (a hard NFS mount
#   whose server is gone hangs whatever touches it), then the clock up to 5 s, sync up
#   to 20 s, the unmount up to 10 s; else a forced unmount (5 s) and a lazy one (3 s).

emb_storage_dir=/storage
emb_storage_label=storage
emb_storage_fsck_seconds=60
# Set from uebo.storage.wait by emb_storage_mount; 0: one look, no waiting.
emb_storage_scan_seconds=0
emb_storage_nfs_seconds=20
emb_storage_dhcp_tries=3
emb_storage_dhcp_wait=2
# Read by e2fsck: nodes without a real-time clock boot in 1970, and a last-mount time
# "in the future" must not stop the check (preen mode would give up on it).
export E2FSCK_CONFIG=/lib/emb/e2fsck.conf

emb_storage_log() { echo "emb-storage: $*"; }

# Read from /proc/mounts: mountpoint(1) would stat /storage, which hangs on a hard NFS
# mount whose server is gone.
emb_storage_mounted() {
  awk -v dir="$emb_storage_dir" '$2 == dir { found = 1 } END { exit !found }' /proc/mounts 2>/dev/null
}

# Hundredths of a second since boot, into emb_storage_now ("123.45" in /proc/uptime;
# leading zeros dropped, or the shell would read the number as octal).
emb_storage_uptime() {
  read -r emb_storage_now _ < /proc/uptime
  emb_storage_now=${emb_storage_now%.*}${emb_storage_now#*.}
  emb_storage_now=${emb_storage_now#"${emb_storage_now%%[!0]*}"}
  emb_storage_now=${emb_storage_now:-0}
}

# One look: the first block device whose filesystem is ext4 labelled "storage", into
# emb_storage_device. busybox blkid reads every device (and partition) in
# /proc/partitions.
emb_storage_look() {
  emb_storage_device=$(timeout 5 blkid 2>/dev/null | while IFS= read -r emb_storage_line; do
    case $emb_storage_line in
      *" LABEL=\"$emb_storage_label\""*' TYPE="ext4"'*) echo "${emb_storage_line%%:*}"; break ;;
    esac
  done)
  [ -n "$emb_storage_device" ]
}

# The storage disk into emb_storage_device: one look, then, when the command line
# asked for it (emb_storage_scan_seconds), more looks until the disk appears or the
# time is up.
emb_storage_find() {
  emb_storage_look && return 0
  [ "$emb_storage_scan_seconds" -gt 0 ] || return 1
  emb_storage_log "waiting up to $emb_storage_scan_seconds s for a disk labelled '$emb_storage_label' (uebo.storage.wait)"
  emb_storage_uptime
  emb_storage_deadline=$((emb_storage_now + emb_storage_scan_seconds * 100))
  while :; do
    usleep 200000
    emb_storage_look && return 0
    emb_storage_uptime
    [ "$emb_storage_now" -lt "$emb_storage_deadline" ] || return 1
  done
}

# Check (bounded) and mount the local storage filesystem.
emb_storage_mount_local() {
  if ! emb_storage_find; then
    if [ "$emb_storage_scan_seconds" -gt 0 ]; then
      emb_storage_log "no ext4 filesystem labelled '$emb_storage_label' within $emb_storage_scan_seconds s: running without persistent storage"
    else
      emb_storage_log "no ext4 filesystem labelled '$emb_storage_label': running without persistent storage (a disk the kernel finds late needs uebo.storage.wait=SECONDS)"
    fi
    return 1
  fi
  [ -e /etc/mtab ] || ln -s /proc/self/mounts /etc/mtab
  emb_storage_log "checking $emb_storage_device (at most ${emb_storage_fsck_seconds} s)"
  timeout "$emb_storage_fsck_seconds" e2fsck -p "$emb_storage_device"
  emb_storage_status=$?
  case $emb_storage_status in
    0 | 1 | 2 | 3) ;;
    124 | 143) emb_storage_log "e2fsck took over ${emb_storage_fsck_seconds} s and was stopped: mounting unchecked" ;;
    *)
      emb_storage_log "e2fsck -p $emb_storage_device left errors (status $emb_storage_status): not mounted; repair it with e2fsck by hand"
      return 1
      ;;
  esac
  if mount -t ext4 -o noatime,nosuid,nodev "$emb_storage_device" "$emb_storage_dir"; then
    emb_storage_log "$emb_storage_device mounted on $emb_storage_dir"
  else
    emb_storage_log "mounting $emb_storage_device failed: running without persistent storage"
    return 1
  fi
}

# One-shot DHCP, only so that NFS storage can be mounted before the services start
# (the network service takes the interfaces over afterwards). Tries each interface in
# turn; status 0 once one has an address.
emb_storage_dhcp() {
  for emb_storage_if in /sys/class/net/*; do
    emb_storage_if=${emb_storage_if##*/}
    case $emb_storage_if in lo | '*') continue ;; esac
    ip link set "$emb_storage_if" up 2>/dev/null || continue
    if udhcpc -i "$emb_storage_if" -n -q -f -t "$emb_storage_dhcp_tries" -T "$emb_storage_dhcp_wait" -s /lib/emb/udhcpc-once.sh >/dev/null 2>&1; then
      emb_storage_log "DHCP lease on $emb_storage_if for NFS storage"
      return 0
    fi
  done
  return 1
}

# $1 as an IPv4 address, into emb_storage_addr (busybox nslookup: no NSS needed).
emb_storage_resolve() {
  emb_storage_addr=
  case $1 in
    *[!0-9.]*) ;;
    *) emb_storage_addr=$1; return 0 ;;
  esac
  emb_storage_addr=$(timeout 5 nslookup "$1" 2>/dev/null | sed -n '/^Name:/,$s/^Address:[[:space:]]*\([0-9.]*\)$/\1/p' | head -n 1)
  [ -n "$emb_storage_addr" ]
}

# NFSv4 on /storage from $1 = server:/path (validated by /lib/emb/cmdline.sh).
emb_storage_mount_nfs() {
  emb_storage_server=${1%%:*}
  emb_storage_path=${1#*:}
  if ! emb_storage_dhcp; then
    emb_storage_log "no DHCP lease on any interface: NFS storage $1 not mounted"
    return 1
  fi
  if ! emb_storage_resolve "$emb_storage_server"; then
    emb_storage_log "cannot resolve $emb_storage_server: NFS storage not mounted"
    return 1
  fi
  # nfsv4 is an optional module on boards that ship it as one: loaded only here, as
  # it costs about 3 s of an emulated boot. Built in, it is already there.
  if command -v emb_module_load > /dev/null && ! emb_module_loaded nfsv4; then
    emb_module_load nfsv4 || emb_storage_log "no nfsv4 module: the mount will likely fail"
  fi
  emb_storage_log "mounting $1 over NFSv4 (at most ${emb_storage_nfs_seconds} s)"
  # busybox passes nfs4 options to the kernel as text: the kernel needs addr=.
  if timeout "$emb_storage_nfs_seconds" mount -t nfs4 -o "addr=$emb_storage_addr,proto=tcp,hard,timeo=100,retrans=3,noatime,nosuid,nodev" \
    "$emb_storage_addr:$emb_storage_path" "$emb_storage_dir"; then
    emb_storage_log "$1 mounted on $emb_storage_dir"
  else
    emb_storage_log "mounting $1 failed or timed out: running without persistent storage"
    return 1
  fi
}

# /storage: NFS when $1 (uebo.nfsdir) is set, else the local disk labelled storage,
# waited for up to $2 seconds (uebo.storage.wait, validated by /lib/emb/cmdline.sh)
# when the kernel has not found it yet.
emb_storage_mount() {
  mkdir -p "$emb_storage_dir"
  emb_storage_scan_seconds=${2:-0}
  if [ -n "$1" ]; then emb_storage_mount_nfs "$1"; else emb_storage_mount_local; fi
}

# The clock from /storage/lastdate, when that is later than the clock now (a node
# without a real-time clock starts in 1970; one with a good clock is left alone).
emb_storage_restore_clock() {
  emb_storage_mounted || return 0
  [ -r "$emb_storage_dir/lastdate" ] || return 0
  IFS= read -r emb_storage_saved < "$emb_storage_dir/lastdate"
  emb_storage_saved=${emb_storage_saved%"${emb_storage_saved##*[![:space:]]}"}
  case $emb_storage_saved in
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]) ;;
    *) emb_storage_log "$emb_storage_dir/lastdate is not 'YYYY-MM-DD hh:mm:ss': clock left alone"; return 0 ;;
  esac
  emb_storage_then=$(date -u -d "$emb_storage_saved" +%s 2>/dev/null) || return 0
  if [ "$emb_storage_then" -gt "$(date -u +%s)" ]; then
    date -u -s "$emb_storage_saved" >/dev/null && emb_storage_log "clock set from $emb_storage_dir/lastdate: $emb_storage_saved UTC"
  fi
}

# Save the clock for the next boot, by a temp file and rename. On a full or read-only
# /storage the old lastdate stays and no temp file is left, and the line says why. The
# temp file is read back before the rename: on a full ext4 a write can fail and its
# program still exit 0 (busybox date did, on the node), which would replace lastdate
# with an empty file.
emb_storage_save_clock() {
  emb_storage_mounted || return 0
  emb_storage_tmp=$emb_storage_dir/lastdate.tmp
  emb_storage_stamp=$(date -u '+%Y-%m-%d %H:%M:%S')
  emb_storage_why=$(printf '%s\n' "$emb_storage_stamp" 2>&1 > "$emb_storage_tmp")
  emb_storage_back=
  IFS= read -r emb_storage_back < "$emb_storage_tmp" 2>/dev/null
  if [ "$emb_storage_back" = "$emb_storage_stamp" ]; then
    emb_storage_why=$(mv -f "$emb_storage_tmp" "$emb_storage_dir/lastdate" 2>&1) && return 0
  fi
  rm -f "$emb_storage_tmp"
  emb_storage_free=$(df -k "$emb_storage_dir" 2>/dev/null | awk 'NR == 2 { print $4 }')
  emb_storage_log "saving the clock to $emb_storage_dir/lastdate failed (${emb_storage_free:-?} KiB free): $(printf '%s' "${emb_storage_why:-the file written did not read back}" | tr '\n' ' ')"
}

# /storage/hostname, when valid, into /etc/hostname. Needs cmdline-values.sh.
emb_storage_hostname() {
  emb_storage_mounted || return 0
  [ -r "$emb_storage_dir/hostname" ] || return 0
  IFS= read -r emb_storage_name < "$emb_storage_dir/hostname"
  emb_storage_name=${emb_storage_name%"${emb_storage_name##*[![:space:]]}"}
  if emb_cl_is_host "$emb_storage_name" 64; then
    printf '%s\n' "$emb_storage_name" > /etc/hostname
  else
    emb_storage_log "$emb_storage_dir/hostname does not hold a valid host name: ignored"
  fi
}

# Modules named in /storage/modules (one per line, # comments): the board's boot
# modules are loaded already, its optionalModules are loaded now (see
# /lib/emb/modules.sh), others are not in the image and are logged. Must run before
# /init deletes /lib/modules.
emb_storage_modules() {
  emb_storage_mounted || return 0
  [ -r "$emb_storage_dir/modules" ] || return 0
  while IFS= read -r emb_storage_mod || [ -n "$emb_storage_mod" ]; do
    emb_storage_mod=${emb_storage_mod%%#*}
    emb_storage_mod=${emb_storage_mod#"${emb_storage_mod%%[![:space:]]*}"}
    emb_storage_mod=${emb_storage_mod%"${emb_storage_mod##*[![:space:]]}"}
    case $emb_storage_mod in
      '') continue ;;
      *[!A-Za-z0-9_-]*) emb_storage_log "modules: '$emb_storage_mod' is not a module name: skipped"; continue ;;
    esac
    emb_module_load "$emb_storage_mod" || :
  done < "$emb_storage_dir/modules"
}

# Status 0 when the filesystem on /storage answers (for NFS: its server does).
emb_storage_statfs() { stat -f "$emb_storage_dir" > /dev/null; }

# Stage 3: save the clock, sync, then unmount /storage, forcing it (NFS server gone)
# and detaching it as the last resort. Each step is bounded by emb_bounded (the caller
# sources /lib/emb/bounded.sh). Status 0 when /storage is unmounted (or was not
# mounted); 1 when it was only detached or is still mounted: a step may then be stuck
# in the kernel on it, and a later sync(2) (runit's, before it powers off) could wait
# on it for ever.
emb_storage_stop() {
  emb_storage_mounted || return 0
  # statfs asks the server every time: a dead one is found here, in 5 s, rather than
  # by each step below waiting out its own bound.
  if emb_bounded 5 "a look at $emb_storage_dir" emb_storage_statfs; then
    emb_bounded 5 "saving the clock" emb_storage_save_clock
    emb_bounded 20 "sync" sync
    if emb_bounded 10 "unmounting $emb_storage_dir" umount "$emb_storage_dir"; then
      emb_storage_log "$emb_storage_dir unmounted"
      return 0
    fi
  else
    emb_storage_log "$emb_storage_dir does not answer (its NFS server is gone?): the clock is not saved"
  fi
  if emb_bounded 5 "a forced unmount of $emb_storage_dir" umount -f "$emb_storage_dir"; then
    emb_storage_log "$emb_storage_dir unmounted (forced)"
    return 0
  fi
  if emb_bounded 3 "detaching $emb_storage_dir" umount -l "$emb_storage_dir"; then
    emb_storage_log "$emb_storage_dir detached (lazy unmount): what was not written is lost"
  else
    emb_storage_log "could not unmount $emb_storage_dir"
  fi
  return 1
}
