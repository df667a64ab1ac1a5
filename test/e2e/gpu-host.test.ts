/**
 * The amd64 NVIDIA GPU host (issue 12), built for real and booted in QEMU without a
 * GPU. The build compiles NVIDIA's open modules against the board kernel's headers
 * (Debian's contrib/non-free packages through emb's private apt: this machine's apt
 * sources list main only) and the host's /etc/apt must come out unchanged. Then one
 * image boots once per scenario: as built (marker valid, no GPU found, nvidia-smi's
 * libraries resolve), with bee.nvidia.mode=off, gsp-off and an unknown value, and with
 * one fault each put into the archive (a marker for another kernel or driver version,
 * a blank value, CRLF line ends, a duplicate key, no marker, a truncated nvidia.ko).
 * Every boot must reach the ready line, pass the smoke checks and power off; the
 * nvidia service's log must say what it did and why.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { bootAndCheck, type GuestShell } from '../../src/boot/run-qemu.ts';
import { hashOfDirectory, sha256Hex } from '../../src/fs/hash.ts';
import { readModuleFacts } from '../../src/gpu/module-info.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { imageFile, readCpio, writeEditedInitramfs } from '../helpers/initramfs-edit.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { makeSigningKey } from '../helpers/signing-key.ts';

const boardName = 'amd64-nvidia';
const outRoot = await tempDir('gpu-host');
after(() => execa('rm', ['-rf', outRoot]));
const outDir = join(outRoot, boardName);
const markerPath = '/usr/local/lib/nvidia/marker';
const nvidiaKo = '/usr/local/lib/nvidia/nvidia.ko';

let cpio: Buffer | undefined;
const builtCpio = (): Buffer => {
  assert.ok(cpio, 'the build test ran first and passed');
  return cpio;
};

/** What /etc/apt and dpkg's arch list are: the build must leave both as they were. */
async function hostAptState(): Promise<string> {
  const foreign = await execa('dpkg', ['--print-foreign-architectures']);
  return `${await hashOfDirectory('/etc/apt')} ${foreign.stdout.replaceAll('\n', ',')}`;
}

test('emb build --board amd64-nvidia: open modules built against the kernel headers, packages through the private apt, host apt untouched', {
  timeout: 40 * 60_000,
}, async () => {
  const aptBefore = await hostAptState();
  // A real PC's console asks for root's password; the boot checks below need its root shell.
  const result = await runEmb(['build', '--board', boardName, '--out', outRoot, '--zstd-level', '3', '--console-shell', 'root']);
  assert.equal(result.exitCode, 0, `emb build failed:\n${result.stdout}\n${result.stderr}`);
  assert.equal(await hostAptState(), aptBefore, "the build changed the host's /etc/apt or dpkg's architectures");
  const warnings = String(result.stderr).match(/Secure Boot will refuse them/g) ?? [];
  assert.equal(warnings.length, 1, `the unsigned-modules warning, once:\n${result.stderr}`);

  const manifest = await readManifest(outDir);
  assert.ok(manifest?.gpu, 'the manifest records the GPU driver');
  const { gpu } = manifest;
  assert.equal(gpu.kernelRelease, manifest.kernel.release);
  assert.deepEqual(
    gpu.modules.filter((module) => module.from === 'driver').map((module) => module.name),
    ['nvidia.ko', 'nvidia-modeset.ko', 'nvidia-uvm.ko', 'nvidia-drm.ko'],
  );
  const kernelModules = gpu.modules.filter((module) => module.from === 'kernel').map((module) => module.name);
  for (const name of ['drm.ko', 'drm_kms_helper.ko', 'video.ko']) assert.ok(kernelModules.includes(name), `${name} ships with the driver`);
  assert.ok(kernelModules.indexOf('drm.ko') < kernelModules.indexOf('drm_kms_helper.ko'), 'drm loads before drm_kms_helper');
  assert.equal(gpu.signed, false);
  assert.deepEqual(gpu.firmware, ['/lib/firmware/nvidia/535.261.03/gsp_tu10x.bin', '/lib/firmware/nvidia/535.261.03/gsp_ga10x.bin']);
  assert.deepEqual(
    gpu.packages.map((found) => `${found.name} ${found.version} ${found.component}`),
    [
      'nvidia-open-kernel-source 535.261.03-1 contrib',
      'nvidia-smi 535.261.03-1 non-free',
      'libnvidia-ml1 535.261.03-1 non-free',
      'libcuda1 535.261.03-1 non-free',
      'firmware-nvidia-gsp 535.261.03-1 non-free-firmware',
    ],
  );

  cpio = await readCpio(join(outDir, 'initramfs.zst'));
  const marker = imageFile(cpio, markerPath).toString();
  const nvidia = imageFile(cpio, nvidiaKo);
  assert.match(
    marker,
    new RegExp(`^kernel=${manifest.kernel.release.replaceAll('.', '\\.')}\ndriver_version=535\\.261\\.03\ndriver_kind=open\narch=x86_64\n`),
  );
  assert.ok(marker.includes(`sha256.nvidia.ko=${sha256Hex(nvidia)}\n`), 'the marker holds nvidia.ko as shipped');
  assert.equal(marker.split('\n').filter((line) => line.startsWith('sha256.')).length, gpu.modules.length);
  // The vermagic the build checked, read back from the shipped module.
  const copy = join(outRoot, 'nvidia.ko');
  await writeFile(copy, nvidia);
  const facts = await readModuleFacts(copy);
  assert.match(facts.vermagic, new RegExp(`^${manifest.kernel.release.replaceAll('.', '\\.')} SMP `));
  assert.ok(facts.parameters.includes('NVreg_EnableGpuFirmware'));
  assert.ok(nvidia.length < 20 * 2 ** 20, `nvidia.ko is stripped of debug info (${nvidia.length} bytes)`);
  // Only the firmware files the board asks for: no other file under /lib/firmware.
  const firmware = manifest.files.filter((file) => file.path.startsWith('/lib/firmware/') && file.type === 'file').map((file) => file.path);
  assert.deepEqual(firmware.sort(), [...gpu.firmware].sort());
  const conf = imageFile(cpio, '/etc/emb/nvidia.conf').toString();
  assert.match(conf, /^NVIDIA_GSP_OFF_PARAMS='NVreg_EnableGpuFirmware=0'$/m);
});

test("--module-signing-key signs the driver modules with the kernel's sign-file; the key reaches no output", {
  timeout: 20 * 60_000,
}, async () => {
  const keys = await tempDir('gpu-keys');
  const signedRoot = await tempDir('gpu-signed');
  after(() => execa('rm', ['-rf', keys, signedRoot]));
  const { key, cert } = await makeSigningKey(keys, 'emb-gpu-test-key');
  const args = [
    'build',
    '--board',
    boardName,
    '--out',
    signedRoot,
    '--zstd-level',
    '3',
    '--module-signing-key',
    key,
    '--module-signing-cert',
    cert,
  ];
  const result = await runEmb(args);
  assert.equal(result.exitCode, 0, `emb build failed:\n${result.stdout}\n${result.stderr}`);
  assert.doesNotMatch(String(result.stderr), /Secure Boot will refuse/);
  const signedDir = join(signedRoot, boardName);
  const manifest = await readManifest(signedDir);
  assert.equal(manifest?.gpu?.signed, true);
  const archive = await readCpio(join(signedDir, 'initramfs.zst'));
  const marker = imageFile(archive, markerPath).toString();
  for (const name of ['nvidia.ko', 'nvidia-modeset.ko', 'nvidia-uvm.ko', 'nvidia-drm.ko']) {
    const data = imageFile(archive, `/usr/local/lib/nvidia/${name}`);
    assert.equal(data.subarray(-28).toString(), '~Module signature appended~\n', `${name} carries a signature`);
    assert.ok(marker.includes(`sha256.${name}=${sha256Hex(data)}\n`), `the marker holds ${name} as signed`);
    const copy = join(keys, name);
    await writeFile(copy, data);
    const info = await execa('modinfo', ['-F', 'signer', copy]);
    assert.equal(info.stdout.trim(), 'emb-gpu-test-key', `${name} is signed by the test key`);
  }
  // The private key's body appears in no file the build wrote.
  const keyLine = (await readFile(key, 'utf8')).split('\n')[1] ?? '';
  assert.ok(keyLine.length > 40);
  assert.ok(!archive.includes(keyLine), 'the key is not in the image');
  for (const file of await readdir(signedDir)) {
    assert.ok(!(await readFile(join(signedDir, file))).includes(keyLine), `the key is not in ${file}`);
  }
});

interface Scenario {
  append?: string;
  edits?: Parameters<typeof writeEditedInitramfs>[2];
  /** More commands on the node while it is up; their output is returned by name. */
  commands?: Record<string, string>;
}

interface ScenarioResult {
  state: string;
  log: string;
  /** The kernel's log (dmesg, time stamps cut) and the serial console's transcript (/init's lines). */
  kernelLog: string;
  transcript: string;
  outputs: Record<string, string>;
}

/** Boot the built image (edited for this scenario), wait for the nvidia service's outcome, read its log. */
async function bootScenario(name: string, scenario: Scenario): Promise<ScenarioResult> {
  const dir = join(outRoot, 'boots', name);
  await mkdir(dir, { recursive: true });
  await copyFile(join(outDir, 'vmlinuz'), join(dir, 'vmlinuz'));
  if (scenario.edits) await writeEditedInitramfs(builtCpio(), join(dir, 'initramfs.zst'), scenario.edits);
  else await copyFile(join(outDir, 'initramfs.zst'), join(dir, 'initramfs.zst'));
  const { board } = await loadBoard(boardName);
  const outputs: Record<string, string> = {};
  let state = '';
  let log = '';
  let kernelLog = '';
  const lines: string[] = [];
  const result = await bootAndCheck({
    board,
    outDir: dir,
    kernelFile: 'vmlinuz',
    // loglevel=3: the kernel's messages stay off the console while the test types there
    // (nvidia.ko's load prints a dozen lines, which can land inside a command's markers).
    append: ['loglevel=3', scenario.append ?? ''].join(' ').trim(),
    timeoutSeconds: 400,
    logFile: join(dir, 'console.log'),
    report: (line) => lines.push(line),
    whileUp: async (guest: GuestShell) => {
      // The service writes its outcome once it is done (bounded: 120 s).
      const waited = await guest(
        'i=0; until [ -s /run/emb/nvidia/state ]; do [ $i -ge 120 ] && break; sleep 1; i=$((i + 1)); done; cat /run/emb/nvidia/state',
        130_000,
      );
      state = waited.output.trim();
      log = (await guest('cat /var/log/nvidia/current')).output;
      // Without its time stamps: the console reader drops "[ 12.3] …" lines as the kernel's own.
      kernelLog = (await guest("dmesg | sed 's/^\\[[^]]*\\] //'")).output;
      for (const [key, command] of Object.entries(scenario.commands ?? {})) outputs[key] = (await guest(command, 60_000)).output;
    },
  });
  const transcript = await readFile(join(dir, 'console.log'), 'utf8');
  // On failure, the console's last lines too: the boot's folder is removed with the test's.
  const report = `${lines.join('\n')}\n--- console, last 60 lines ---\n${transcript.split('\n').slice(-60).join('\n')}`;
  assert.ok(result.readyLine.startsWith(`EMB-READY board=${boardName}`), `${name}: no ready line:\n${report}`);
  assert.ok(
    result.checks.every((check) => check.ok),
    `${name}: smoke checks failed:\n${report}`,
  );
  assert.ok(result.poweredOff, `${name}: did not power off:\n${report}`);
  return { state, log, kernelLog, transcript, outputs };
}

const bootTimeout = { timeout: 10 * 60_000 };

test(
  'boots as built without a GPU: marker valid, nvidia.ko finds no GPU, nvidia-smi resolves its libraries, no metrics file',
  bootTimeout,
  async () => {
    const { state, log, kernelLog, outputs } = await bootScenario('as-built', {
      append: 'bee.nvidia.metrics_interval=1',
      commands: {
        smi: 'nvidia-smi; echo "status=$?"',
        links: 'readlink /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1; readlink /usr/local/lib/nvidia/libcuda.so.1',
        // Two metrics periods after the outcome: a GPU-less node writes no file.
        prom: 'sleep 3; ls /run/emb/textfile/ 2>&1; echo end',
        textfile: 'wget -q -O - http://127.0.0.1:9100/metrics | grep -c "^node_textfile_scrape_error 0"',
        // /init frees the kernel's module tree after boot; the driver's folder is not part of it.
        kept: 'for f in /usr/local/lib/nvidia/nvidia.ko /lib/firmware/nvidia/535.261.03/gsp_ga10x.bin /lib/firmware/nvidia/535.261.03/gsp_tu10x.bin /lib/modules; do if [ -e "$f" ]; then echo "present $f"; else echo "absent $f"; fi; done',
      },
    });
    assert.equal(state, 'no-gpu', log);
    assert.match(log, /nvidia: marker valid \(kernel 6\.\S+, driver 535\.261\.03 open\)/);
    assert.match(log, /nvidia: insmod \/usr\/local\/lib\/nvidia\/nvidia\.ko\s*$/m);
    assert.match(log, /nvidia: no NVIDIA GPU found/);
    assert.match(kernelLog, /NVRM: No NVIDIA GPU found/, 'the module itself ran and found no GPU');
    assert.match(outputs.smi ?? '', /couldn't communicate with the NVIDIA driver/, 'NVML loaded: only the driver is missing');
    assert.doesNotMatch(outputs.smi ?? '', /couldn't find libnvidia-ml/);
    assert.match(outputs.smi ?? '', /status=9/);
    assert.match(outputs.links ?? '', /^\/usr\/local\/lib\/nvidia\/libnvidia-ml\.so\.535\.261\.03\nlibcuda\.so\.535\.261\.03\n/);
    assert.doesNotMatch(outputs.prom ?? '', /nvidia\.prom/);
    assert.equal(
      outputs.kept,
      'present /usr/local/lib/nvidia/nvidia.ko\npresent /lib/firmware/nvidia/535.261.03/gsp_ga10x.bin\npresent /lib/firmware/nvidia/535.261.03/gsp_tu10x.bin\nabsent /lib/modules\n',
    );
    assert.match(outputs.textfile ?? '', /^1\s*$/m, 'node_exporter runs its textfile collector');
  },
);

test('bee.nvidia.mode=gsp-off passes NVreg_EnableGpuFirmware=0 to nvidia.ko, which the kernel accepts', bootTimeout, async () => {
  const { state, log, kernelLog } = await bootScenario('gsp-off', { append: 'bee.nvidia.mode=gsp-off' });
  assert.equal(state, 'no-gpu', log);
  assert.match(log, /nvidia: insmod \/usr\/local\/lib\/nvidia\/nvidia\.ko NVreg_EnableGpuFirmware=0\s*$/m);
  // A parameter the module does not declare is "unknown parameter … ignored"; a bad value fails insmod with EINVAL.
  assert.doesNotMatch(kernelLog, /unknown parameter|invalid for parameter/);
  assert.match(kernelLog, /NVRM: No NVIDIA GPU found/, 'nvidia.ko ran its init after taking the parameter');
});

test('bee.nvidia.mode=off loads nothing', bootTimeout, async () => {
  const { state, log, kernelLog, outputs } = await bootScenario('off', {
    append: 'bee.nvidia.mode=off',
    commands: { sys: 'ls -d /sys/module/nvidia 2>&1' },
  });
  assert.equal(state, 'off', log);
  assert.match(log, /nvidia: bee\.nvidia\.mode=off: NVIDIA modules not loaded/);
  assert.doesNotMatch(log, /insmod/);
  assert.doesNotMatch(kernelLog, /NVRM/);
  assert.match(outputs.sys ?? '', /No such file or directory/);
});

test('an unknown bee.nvidia.mode is reported and treated as normal', bootTimeout, async () => {
  const { state, log, transcript } = await bootScenario('mode-unknown', { append: 'bee.nvidia.mode=turbo' });
  assert.equal(state, 'no-gpu', log);
  // /init's parser reports it and keeps it out of /run/emb/bootargs; the service (whose own
  // check of the value is unit-tested) then sees no mode: normal.
  assert.match(transcript, /emb-cmdline: 'bee\.nvidia\.mode': must be normal, gsp-off or off; dropped/);
  assert.match(log, /nvidia: insmod \/usr\/local\/lib\/nvidia\/nvidia\.ko\s*$/m);
});

/** The built marker with one line changed by `edit`. */
const markerWith = (edit: (text: string) => string): Record<string, string> => ({
  [markerPath]: edit(imageFile(builtCpio(), markerPath).toString()),
});

const faults: Array<{ name: string; edits: () => Scenario['edits']; says: RegExp }> = [
  {
    name: 'marker for another kernel',
    edits: () => ({ replace: markerWith((text) => text.replace(/^kernel=.*$/m, 'kernel=6.1.0-49-amd64')) }),
    says: /marker \/usr\/local\/lib\/nvidia\/marker: kernel is 6\.1\.0-49-amd64 but the running kernel is 6\.1\.0-\d+-amd64: NVIDIA modules not loaded/,
  },
  {
    name: 'marker for another driver version',
    edits: () => ({ replace: markerWith((text) => text.replace(/^driver_version=.*$/m, 'driver_version=550.54.14')) }),
    says: /driver_version is 550\.54\.14 but \/etc\/emb\/nvidia\.conf has NVIDIA_DRIVER_VERSION=535\.261\.03: NVIDIA modules not loaded/,
  },
  {
    name: 'marker with a blank value',
    edits: () => ({ replace: markerWith((text) => text.replace(/^driver_kind=.*$/m, 'driver_kind=')) }),
    says: /required key driver_kind is empty \(line 3\): NVIDIA modules not loaded/,
  },
  {
    name: 'marker with CRLF line ends',
    edits: () => ({ replace: markerWith((text) => text.replaceAll('\n', '\r\n')) }),
    says: /line 1 ends in a carriage return \(CRLF line ends\): the marker must have LF line ends: NVIDIA modules not loaded/,
  },
  {
    name: 'marker with a duplicate key',
    edits: () => ({ replace: markerWith((text) => `${text}kernel=6.1.0-49-amd64\n`) }),
    says: /key kernel is on lines 1 and \d+: NVIDIA modules not loaded/,
  },
  {
    name: 'missing marker',
    edits: () => ({ drop: [markerPath] }),
    says: /marker \/usr\/local\/lib\/nvidia\/marker: missing \(no such file\): NVIDIA modules not loaded/,
  },
  {
    name: 'truncated nvidia.ko',
    edits: () => {
      const whole = imageFile(builtCpio(), nvidiaKo);
      return { replace: { [nvidiaKo]: whole.subarray(0, Math.floor(whole.length / 2)) } };
    },
    says: /sha256 of nvidia\.ko does not match the marker \(truncated or corrupt file\): NVIDIA modules not loaded/,
  },
];

for (const fault of faults) {
  test(`${fault.name}: logged, nothing loaded, the boot completes`, bootTimeout, async () => {
    const { state, log, kernelLog } = await bootScenario(fault.name.replaceAll(' ', '-'), { edits: fault.edits() });
    assert.equal(state, 'invalid-marker', log);
    assert.match(log, fault.says);
    assert.doesNotMatch(log, /insmod/);
    assert.doesNotMatch(kernelLog, /NVRM/, 'no NVIDIA module ran');
    assert.match(kernelLog, /Linux version/, 'dmesg was read');
  });
}
