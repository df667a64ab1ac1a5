import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../src/paths.ts';

/** The BOINC platform name of a board arch, as the client reports it. */
export const boincPlatform = {
  aarch64: 'aarch64-unknown-linux-gnu',
  armhf: 'arm-unknown-linux-gnueabihf',
  amd64: 'x86_64-pc-linux-gnu',
} as const;

export const seededProject = { url: 'http://emb.example/test/', name: 'emb test project', hostCredit: 1234.5, elapsedSeconds: 3600 };

/**
 * A BOINC data dir as the client leaves it after a scheduler reply, written by hand: a
 * project server cannot be reached from here. One attached project (the account file
 * and its state), one app whose program is a shell script (busy for a moment, then
 * asleep), and three tasks: one to run, one suspended from the GUI, one finished and
 * ready to report. The real client loads it, runs the first task and answers
 * boinccmd about all of it, so the exporter is tested on the client's own output.
 * Files are owned by `owner` (the image's boinc user); benchmarks are skipped and the
 * client computes whatever the load, so the task starts at once.
 */
export async function writeBoincState(dir: string, platform: string, owner: { uid: number; gid: number }): Promise<void> {
  const projectDir = join(dir, 'projects', 'emb.example_test');
  await mkdir(projectDir, { recursive: true });
  // A stand-in science app: busy for 5 s of uptime (shell built-ins only, so the time
  // does not depend on the machine's speed), then idle until the client asks it to
  // leave (<quit/> or <abort/> in the slot's boinc_mmap_file, where BOINC's API reads
  // it; an app that ignored the request would hold the client's exit up for 60 s) or
  // the client is gone (API apps leave when its heartbeats stop).
  const program = [
    '#!/bin/sh',
    'read -r up rest < /proc/uptime; end=$((${up%.*} + 5))',
    'while read -r up rest < /proc/uptime; [ "${up%.*}" -lt "$end" ]; do :; done',
    "while kill -0 $PPID 2>/dev/null && ! grep -qa -e '<quit/>' -e '<abort/>' boinc_mmap_file 2>/dev/null; do sleep 1; done",
    '',
  ].join('\n');
  await writeFile(join(projectDir, 'emb_sleep.sh'), program);
  await chmod(join(projectDir, 'emb_sleep.sh'), 0o755);
  const deadline = Math.floor(Date.now() / 1000) + 30 * 86_400;
  const workunit = (name: string): string =>
    `<workunit><name>${name}</name><app_name>emb_sleep</app_name><version_num>100</version_num><rsc_fpops_est>1e12</rsc_fpops_est><rsc_fpops_bound>1e15</rsc_fpops_bound></workunit>`;
  const result = (name: string, extra: string): string =>
    `<result><name>${name}_0</name><wu_name>${name}</wu_name><platform>${platform}</platform><version_num>100</version_num><report_deadline>${deadline}</report_deadline>${extra}</result>`;
  const files: Record<string, string> = {
    'account_emb.example_test.xml': `<account><master_url>${seededProject.url}</master_url><authenticator>0123456789abcdef</authenticator><project_name>${seededProject.name}</project_name></account>\n`,
    'cc_config.xml': '<cc_config><options><skip_cpu_benchmarks>1</skip_cpu_benchmarks></options></cc_config>\n',
    'global_prefs_override.xml':
      '<global_preferences><suspend_cpu_usage>0</suspend_cpu_usage><run_if_user_active>1</run_if_user_active></global_preferences>\n',
    'client_state.xml': [
      '<client_state>',
      `<project><master_url>${seededProject.url}</master_url><project_name>${seededProject.name}</project_name><host_total_credit>${seededProject.hostCredit}</host_total_credit><elapsed_time>${seededProject.elapsedSeconds}</elapsed_time><dont_request_more_work/></project>`,
      '<app><name>emb_sleep</name><user_friendly_name>emb sleep</user_friendly_name></app>',
      `<file_info><name>emb_sleep.sh</name><nbytes>${Buffer.byteLength(program)}</nbytes><status>1</status><executable/></file_info>`,
      `<app_version><app_name>emb_sleep</app_name><version_num>100</version_num><platform>${platform}</platform><api_version>7.20.5</api_version><avg_ncpus>1</avg_ncpus><file_ref><file_name>emb_sleep.sh</file_name><main_program/></file_ref></app_version>`,
      workunit('wu_run'),
      workunit('wu_held'),
      workunit('wu_done'),
      result('wu_run', '<state>2</state>'),
      result('wu_held', '<state>2</state><suspended_via_gui/>'),
      result('wu_done', '<state>5</state><ready_to_report/><final_cpu_time>42</final_cpu_time>'),
      '</client_state>',
      '',
    ].join('\n'),
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  for (const path of [
    dir,
    join(dir, 'projects'),
    projectDir,
    join(projectDir, 'emb_sleep.sh'),
    ...Object.keys(files).map((name) => join(dir, name)),
  ])
    await chown(path, owner.uid, owner.gid);
}

/** The image's boinc user and group ids, as rootfiles/etc/passwd gives them. */
export async function boincOwner(): Promise<{ uid: number; gid: number }> {
  const line = /^boinc:x:(\d+):(\d+):/m.exec(await readFile(join(projectRoot, 'rootfiles/etc/passwd'), 'utf8'));
  if (!line) throw new Error('rootfiles/etc/passwd has no boinc user');
  return { uid: Number(line[1]), gid: Number(line[2]) };
}

/**
 * A 256 MiB ext4 image labelled storage (what /init mounts on /storage) holding the
 * tree `seed`, owners, modes and symbolic links as they are there; for QEMU's
 * `-drive file=…,format=raw`.
 */
export async function storageDisk(file: string, seed: string): Promise<void> {
  await execa('truncate', ['-s', '256M', file]);
  await execa('mkfs.ext4', ['-q', '-F', '-L', 'storage', '-d', seed, file]);
}
