#!/bin/sh
# The BOINC exporter: Prometheus text format from `boinccmd`, one run per scrape
# (busybox httpd runs it for /metrics/). When the client does not answer, boinc_up is
# 0 and the rest is left out. boinccmd reads the GUI RPC password from its working
# directory, the client's data dir; each call is bounded at 5 s.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
cd /storage/boinc 2>/dev/null || cd /
printf 'Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n\r\n'
ask() { timeout 5 boinccmd "$@" 2>/dev/null; }
version=$(ask --client_version | sed -n 's/^Client version: *//p')
echo '# HELP boinc_up Whether the BOINC client answered its GUI RPC (1) or not (0).'
echo '# TYPE boinc_up gauge'
if [ -z "$version" ]; then
  echo 'boinc_up 0'
  exit 0
fi
echo 'boinc_up 1'
echo '# HELP boinc_client_info The BOINC client version, as a label.'
echo '# TYPE boinc_client_info gauge'
echo "boinc_client_info{version=\"$version\"} 1"
{ ask --get_tasks; echo '=== projects'; ask --get_project_status; } | awk '
  function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
  function value(line) { sub(/^[^:]*: /, "", line); return line }
  function end_task() {
    if (!intask) return
    if (ready == "yes") s = "ready_to_report"
    else if (active == "EXECUTING") s = "running"
    else if (active == "SUSPENDED" || suspended == "yes") s = "suspended"
    else if (state == "downloaded") s = "ready_to_run"
    else if (state == "downloading" || state == "uploading") s = state
    else s = "other"
    tasks[s]++
    cpu[url] += cputime
    intask = 0
  }
  function end_project() {
    if (!inproject) return
    projects[purl] = 1; pname[purl] = name; credit[purl] = pcredit; elapsed[purl] = pelapsed
    inproject = 0
  }
  /^=== projects/ { end_task(); section = "projects"; next }
  /^[0-9]+\) -+/ {
    if (section == "projects") { end_project(); inproject = 1; name = purl = ""; pcredit = pelapsed = 0 }
    else { end_task(); intask = 1; ready = active = state = url = suspended = ""; cputime = 0 }
    next
  }
  section != "projects" && intask {
    if ($0 ~ /^   project URL: /) url = value($0)
    else if ($0 ~ /^   state: /) state = value($0)
    else if ($0 ~ /^   active_task_state: /) active = value($0)
    else if ($0 ~ /^   ready to report: /) ready = value($0)
    else if ($0 ~ /^   suspended via GUI: /) suspended = value($0)
    else if ($0 ~ /^   current CPU time: /) cputime = value($0) + 0
  }
  section == "projects" && inproject {
    if ($0 ~ /^   name: /) name = value($0)
    else if ($0 ~ /^   master URL: /) purl = value($0)
    else if ($0 ~ /^   host_total_credit: /) pcredit = value($0) + 0
    else if ($0 ~ /^   elapsed time: /) pelapsed = value($0) + 0
  }
  END {
    end_task(); end_project()
    print "# HELP boinc_tasks Tasks on this host by state."
    print "# TYPE boinc_tasks gauge"
    n = split("running ready_to_run suspended downloading uploading ready_to_report other", states, " ")
    for (i = 1; i <= n; i++) printf "boinc_tasks{state=\"%s\"} %d\n", states[i], tasks[states[i]] + 0
    print "# HELP boinc_project_info An attached project: its master URL and name."
    print "# TYPE boinc_project_info gauge"
    for (p in projects) printf "boinc_project_info{project=\"%s\",name=\"%s\"} 1\n", esc(p), esc(pname[p])
    print "# HELP boinc_project_host_credit Credit this host has earned for the project."
    print "# TYPE boinc_project_host_credit gauge"
    for (p in projects) printf "boinc_project_host_credit{project=\"%s\"} %.6f\n", esc(p), credit[p]
    print "# HELP boinc_project_elapsed_seconds Run time of the project'"'"'s finished jobs on this host."
    print "# TYPE boinc_project_elapsed_seconds gauge"
    for (p in projects) printf "boinc_project_elapsed_seconds{project=\"%s\"} %.3f\n", esc(p), elapsed[p]
    print "# HELP boinc_project_task_cpu_seconds CPU time of the project'"'"'s current tasks."
    print "# TYPE boinc_project_task_cpu_seconds gauge"
    for (p in projects) printf "boinc_project_task_cpu_seconds{project=\"%s\"} %.3f\n", esc(p), cpu[p] + 0
  }'
