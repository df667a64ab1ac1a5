# shellcheck shell=sh
# The read-only layer for busybox ash, sourced by /init after the boot modules (loop
# and squashfs among them) are loaded. A board with readOnlyLayer carries its large,
# rarely-read files (BOINC, node_exporter) in /lib/emb/ro.squashfs; the image has a
# link in each one's place, into /usr/lib/emb-ro. Mounted read-only from a loop
# device, their pages are decompressed on demand into page cache the kernel can evict.
# Nothing here may stop the boot: a failed mount is one line on the console, and the
# services whose files are in the layer fail to start (runit retries them) while
# everything else runs.

emb_ro_image=/lib/emb/ro.squashfs
emb_ro_mount=/usr/lib/emb-ro

# Status 0 when the layer is mounted, or when the image has none.
emb_ro_layer_mount() {
  [ -e "$emb_ro_image" ] || return 0
  mkdir -p "$emb_ro_mount" || {
    echo "emb-ro-layer: cannot make $emb_ro_mount: the read-only layer is not mounted; the services in it will not run"
    return 1
  }
  # busybox mount finds a free loop device (/dev/loop-control) for -o loop.
  if emb_ro_why=$(mount -t squashfs -o ro,loop,nodev "$emb_ro_image" "$emb_ro_mount" 2>&1); then
    return 0
  fi
  emb_ro_why=$(printf '%s' "$emb_ro_why" | tr '\n' ' ')
  echo "emb-ro-layer: mounting $emb_ro_image on $emb_ro_mount failed (${emb_ro_why:-no reason given}): the services in it will not run; the node goes on without them"
  return 1
}
