# shellcheck shell=sh
# GPU metrics for node_exporter's textfile collector, for busybox ash: sourced by
# /etc/sv/nvidia-metrics/run on GPU images (after /lib/emb/bounded.sh). nvidia-smi's CSV
# becomes Prometheus text in <dir>/nvidia.prom, written by a temp file and rename, so a
# scrape never reads half a file (the collector reads *.prom only, not the .tmp). With
# no GPU to ask, the file is removed: stale figures would look like a working GPU.
#
# Paths and commands are variables set here, which callers may change after sourcing
# (the host's tests do); set, not taken from the environment (see nvidia-load.sh).

emb_nvidia_smi=nvidia-smi
# A GPU that fell off the bus can hold nvidia-smi for minutes, in the kernel.
emb_nvidia_smi_seconds=10
emb_nvidia_metrics_scratch=/run/emb/nvidia
emb_nvidia_query=index,uuid,temperature.gpu,power.draw,utilization.gpu,memory.used,memory.total
# The loop's memory, empty at the start whatever the environment holds.
emb_nvidia_smi_held=
emb_nvidia_metrics_said=

emb_nvidia_metrics_log() { echo "nvidia-metrics: $*"; }

# nvidia-smi --query-gpu=$emb_nvidia_query --format=csv,noheader,nounits lines on stdin,
# Prometheus text on stdout: one gauge family per figure, with HELP and TYPE, each
# sample labelled gpu="<index>",uuid="<uuid>". A figure that is not a number ([N/A],
# [Not Supported], [GPU is lost]) is left out, and so is a line that is not a GPU's
# (another field count, no index); nothing at all comes out when no line is.
emb_nvidia_prom() {
  awk -F, '
    BEGIN {
      name[3] = "nvidia_temperature_celsius"; help[3] = "GPU core temperature (nvidia-smi temperature.gpu)."; per[3] = 1
      name[4] = "nvidia_power_watts"; help[4] = "Power drawn by the board (nvidia-smi power.draw)."; per[4] = 1
      name[5] = "nvidia_utilization_ratio"; help[5] = "Share of the last sample period in which a kernel ran, 0 to 1 (nvidia-smi utilization.gpu)."; per[5] = 100
      name[6] = "nvidia_memory_used_bytes"; help[6] = "GPU memory in use (nvidia-smi memory.used)."; per[6] = 1 / 1048576
      name[7] = "nvidia_memory_total_bytes"; help[7] = "GPU memory in all (nvidia-smi memory.total)."; per[7] = 1 / 1048576
    }
    NF == 7 {
      for (i = 1; i <= 7; i++) {
        field[i] = $i
        gsub(/^[ \t]+|[ \t\r]+$/, "", field[i])
      }
      if (field[1] !~ /^[0-9]+$/) next
      # A GPU UUID is GPU-<hex and dashes>; anything else a label value could not
      # hold unescaped (quote, backslash) is made an underscore.
      uuid = field[2]
      gsub("[^A-Za-z0-9._:/-]", "_", uuid)
      labels = "{gpu=\"" field[1] "\",uuid=\"" uuid "\"}"
      for (i = 3; i <= 7; i++) {
        if (field[i] !~ /^-?[0-9]+(\.[0-9]+)?$/) continue
        value = field[i] / per[i]
        shown = value == int(value) ? sprintf("%.0f", value) : sprintf("%.10g", value)
        samples[i] = samples[i] name[i] labels " " shown "\n"
      }
    }
    END {
      for (i = 3; i <= 7; i++)
        if (samples[i] != "") printf "# HELP %s %s\n# TYPE %s gauge\n%s", name[i], help[i], name[i], samples[i]
    }
  '
}

# nvidia-smi's query into file $1, its errors into $1.err (for emb_bounded, which runs
# it apart); its pid goes to $1.pid, so that one the bound could not kill is known.
emb_nvidia_smi_into() {
  "$emb_nvidia_smi" --query-gpu="$emb_nvidia_query" --format=csv,noheader,nounits > "$1" 2> "$1.err" &
  echo "$!" > "$1.pid"
  wait "$!"
}

# Asks nvidia-smi for the figures into file $1, for at most emb_nvidia_smi_seconds.
# Status: nvidia-smi's; 124 when it did not end in time. One that the kernel holds
# (killed, it still runs) is remembered, and no other is started while it lives: each
# round would add one more.
emb_nvidia_smi_query() {
  if [ -n "$emb_nvidia_smi_held" ] && kill -0 "$emb_nvidia_smi_held" 2>/dev/null; then
    return 124
  fi
  emb_nvidia_smi_held=
  rm -f "$1" "$1.err" "$1.pid"
  # emb_bounded's own line would come every round while nvidia-smi hangs: ours is said once.
  emb_bounded "$emb_nvidia_smi_seconds" nvidia-smi emb_nvidia_smi_into "$1" > /dev/null
  emb_nvidia_smi_status=$?
  if [ "$emb_nvidia_smi_status" = 124 ] && [ -s "$1.pid" ]; then
    read -r emb_nvidia_smi_held < "$1.pid"
  fi
  return "$emb_nvidia_smi_status"
}

# Says $1 when it differs from what was said last: a failure is told when it begins,
# not every round.
emb_nvidia_metrics_say() {
  [ "$1" = "$emb_nvidia_metrics_said" ] && return
  emb_nvidia_metrics_said=$1
  emb_nvidia_metrics_log "$1"
}

# One round: when state file $1 says loaded, the GPUs' figures into $2/nvidia.prom;
# otherwise, or when nvidia-smi fails or reports no GPU, no file there. Status 0 when
# the file was written.
emb_nvidia_metrics_update() {
  emb_nvidia_prom_file=$2/nvidia.prom
  emb_nvidia_state=
  [ -r "$1" ] && read -r emb_nvidia_state < "$1"
  if [ "$emb_nvidia_state" != loaded ]; then
    rm -f "$emb_nvidia_prom_file" "$emb_nvidia_prom_file.tmp"
    emb_nvidia_metrics_say "nvidia state ${emb_nvidia_state:-not written yet}: no GPU metrics"
    return 1
  fi
  mkdir -p "$emb_nvidia_metrics_scratch"
  emb_nvidia_csv=$emb_nvidia_metrics_scratch/nvidia-smi.csv
  if ! emb_nvidia_smi_query "$emb_nvidia_csv"; then
    rm -f "$emb_nvidia_prom_file" "$emb_nvidia_prom_file.tmp"
    emb_nvidia_error=$(tr '\n' ' ' 2>/dev/null < "$emb_nvidia_csv.err" | cut -c 1-200)
    if [ "$emb_nvidia_smi_status" = 124 ]; then
      emb_nvidia_metrics_say "nvidia-smi did not answer within $emb_nvidia_smi_seconds s: no GPU metrics until it does"
    else
      emb_nvidia_metrics_say "nvidia-smi failed (status $emb_nvidia_smi_status${emb_nvidia_error:+: ${emb_nvidia_error% }}): no GPU metrics"
    fi
    return 1
  fi
  if ! { emb_nvidia_prom < "$emb_nvidia_csv" > "$emb_nvidia_prom_file.tmp" && [ -s "$emb_nvidia_prom_file.tmp" ]; }; then
    rm -f "$emb_nvidia_prom_file" "$emb_nvidia_prom_file.tmp"
    emb_nvidia_metrics_say "nvidia-smi reported no GPU: no GPU metrics"
    return 1
  fi
  # node_exporter runs as nobody: the file must be readable by all.
  if chmod 0644 "$emb_nvidia_prom_file.tmp" && mv -f "$emb_nvidia_prom_file.tmp" "$emb_nvidia_prom_file"; then
    emb_nvidia_metrics_say "GPU metrics in $emb_nvidia_prom_file"
    return 0
  fi
  rm -f "$emb_nvidia_prom_file.tmp"
  emb_nvidia_metrics_say "could not write $emb_nvidia_prom_file"
  return 1
}

# The refresh period for bee.nvidia.metrics_interval value $1 (empty when not given),
# into emb_nvidia_interval: whole seconds 1-3600, else 5. /init has checked the value;
# this one is not trusted all the same (sleep with garbage would spin the loop).
# shellcheck disable=SC2034 # emb_nvidia_interval is the caller's (the run script's)
emb_nvidia_pick_interval() {
  emb_nvidia_interval=5
  case $1 in
    '') ;;
    [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9])
      if [ "$1" -le 3600 ]; then
        emb_nvidia_interval=$1
      else
        emb_nvidia_metrics_log "bee.nvidia.metrics_interval=$1 is over 3600: every 5 s instead"
      fi
      ;;
    *) emb_nvidia_metrics_log "bee.nvidia.metrics_interval=$1 is not whole seconds 1-3600: every 5 s instead" ;;
  esac
}
