/**
 * The GPU node's module loading once the marker is valid
 * (packages/nvidia-open/rootfiles/lib/emb/nvidia-load.sh, run by the host's busybox with
 * an insmod stand-in): bee.nvidia.mode, the load order by absolute path, nvidia.ko's
 * parameters, modules the kernel has already, no GPU, a failing or hanging insmod, the
 * state word, and one attempt per boot.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { shellQuote } from '../../src/cmdline/bootargs.ts';
import { skipOrFail } from '../helpers/skip-or-fail.ts';
import {
  addPciDevice,
  type FakeNode,
  fakeNode,
  hostBusybox,
  kernel,
  loadLibrary,
  machine,
  moduleFiles,
  removeNode,
  runOnNode,
} from './nvidia-node-shell.ts';

const busybox = await hostBusybox();

interface Attempt {
  node: FakeNode;
  lines: string[];
  /** The state file's text; '' when there is none. */
  state: string;
  /** Each insmod's arguments, in order. */
  insmods: string[];
}

/**
 * Runs `script` (default: one emb_nvidia_once with bee.nvidia.mode `mode`) on a fresh
 * fake node prepared by `prepare`; undefined when the host has no busybox (skipped).
 */
async function attempt(
  t: TestContext,
  options: { mode?: string; prepare?: (node: FakeNode) => Promise<void>; script?: string } = {},
): Promise<Attempt | undefined> {
  if (!busybox) {
    skipOrFail(t, 'busybox is not installed (apt-get install busybox; toolchain/packages/test.list)');
    return undefined;
  }
  const node = await fakeNode();
  try {
    await options.prepare?.(node);
    const script = options.script ?? `emb_nvidia_once ${shellQuote(options.mode ?? '')} ${kernel} ${machine}`;
    const result = await runOnNode(busybox, node, [loadLibrary], script);
    assert.equal(result.stderr, '');
    assert.equal(result.exitCode, 0);
    const read = async (path: string) => (existsSync(path) ? await readFile(path, 'utf8') : '');
    return {
      node,
      lines: result.stdout.split('\n'),
      state: await read(join(node.run, 'state')),
      insmods: (await read(join(node.mock, 'insmod.calls'))).split('\n').filter(Boolean),
    };
  } finally {
    await removeNode(node);
  }
}

const insmodLine = (node: FakeNode, file: string, params = '') => `nvidia: insmod ${join(node.moduleDir, file)}${params}`;
const valid = `nvidia: marker valid (kernel ${kernel}, driver 535.261.03 open)`;
const nodesLine = (node: FakeNode) =>
  `nvidia: device nodes ${['nvidiactl', 'nvidia0', 'nvidia-modeset'].map((name) => join(node.dev, name)).join(' ')} (major 195), ` +
  `${['nvidia-uvm', 'nvidia-uvm-tools'].map((name) => join(node.dev, name)).join(' ')} (major 509)`;

/** An insmod stand-in rule: loading `module` fails with `error`. */
const failing = (module: string, error: string) => (node: FakeNode) => writeFile(join(node.mock, 'insmod.rules'), `${module} ${error}\n`);

test('bee.nvidia.mode absent: every module loaded in order by absolute path, nodes made, state loaded', async (t) => {
  const got = await attempt(t);
  if (!got) return;
  assert.deepEqual(got.lines, [
    valid,
    ...moduleFiles.map((file) => insmodLine(got.node, file)),
    nodesLine(got.node),
    'nvidia: NVIDIA modules loaded (bee.nvidia.mode=normal), 1 GPU(s)',
  ]);
  assert.deepEqual(
    got.insmods,
    moduleFiles.map((file) => join(got.node.moduleDir, file)),
  );
  assert.equal(got.state, 'loaded\n');
});

test('bee.nvidia.mode=normal: nvidia.ko without parameters', async (t) => {
  const got = await attempt(t, { mode: 'normal' });
  if (!got) return;
  assert.ok(got.lines.includes(insmodLine(got.node, 'nvidia.ko')), got.lines.join('\n'));
  assert.ok(got.lines.includes('nvidia: NVIDIA modules loaded (bee.nvidia.mode=normal), 1 GPU(s)'));
  assert.equal(got.state, 'loaded\n');
});

test('bee.nvidia.mode=gsp-off: nvidia.ko, and nvidia.ko alone, gets NVIDIA_GSP_OFF_PARAMS; the exact command is logged', async (t) => {
  const got = await attempt(t, { mode: 'gsp-off' });
  if (!got) return;
  assert.ok(got.lines.includes(insmodLine(got.node, 'nvidia.ko', ' NVreg_EnableGpuFirmware=0')), got.lines.join('\n'));
  assert.deepEqual(
    got.insmods,
    moduleFiles.map((file) => join(got.node.moduleDir, file) + (file === 'nvidia.ko' ? ' NVreg_EnableGpuFirmware=0' : '')),
  );
  assert.equal(got.state, 'loaded\n');
});

test('bee.nvidia.mode=gsp-off with several parameters: each is its own word, none is globbed', async (t) => {
  const got = await attempt(t, {
    mode: 'gsp-off',
    prepare: async (node) => {
      const conf = await readFile(node.conf, 'utf8');
      await writeFile(
        node.conf,
        conf.replace(/^NVIDIA_GSP_OFF_PARAMS=.*$/m, "NVIDIA_GSP_OFF_PARAMS='NVreg_EnableGpuFirmware=0 NVreg_X=*'"),
      );
      await writeFile(
        join(node.mock, 'insmod'),
        '#!/bin/sh\necho "$# $*" >> "$MOCK/insmod.calls"\nn=${1##*/}\nmkdir -p "$MOCK_SYS_MODULE/$(echo "${n%.ko}" | tr - _)"\n',
      );
    },
  });
  if (!got) return;
  assert.ok(got.insmods.includes(`3 ${join(got.node.moduleDir, 'nvidia.ko')} NVreg_EnableGpuFirmware=0 NVreg_X=*`), got.insmods.join('\n'));
});

test('bee.nvidia.mode=off: one line, nothing checked or loaded, state off', async (t) => {
  const got = await attempt(t, { mode: 'off', prepare: async (node) => writeFile(node.marker, 'broken\r\n') });
  if (!got) return;
  assert.deepEqual(got.lines, ['nvidia: bee.nvidia.mode=off: NVIDIA modules not loaded']);
  assert.deepEqual(got.insmods, []);
  assert.equal(got.state, 'off\n');
});

test('an unknown bee.nvidia.mode is said and treated as normal', async (t) => {
  const got = await attempt(t, { mode: 'turbo' });
  if (!got) return;
  assert.equal(got.lines[0], 'nvidia: bee.nvidia.mode=turbo is unknown: treated as normal');
  assert.equal(got.lines[1], valid);
  assert.ok(got.lines.includes(insmodLine(got.node, 'nvidia.ko')));
  assert.equal(got.state, 'loaded\n');
});

test('a module the kernel has already is skipped, and said', async (t) => {
  const got = await attempt(t, {
    prepare: async (node) => {
      await mkdir(join(node.sysModule, 'drm_kms_helper'));
      await mkdir(join(node.sysModule, 'video'));
    },
  });
  if (!got) return;
  assert.ok(got.lines.includes('nvidia: drm_kms_helper is loaded already: skipped'));
  assert.ok(got.lines.includes('nvidia: video is loaded already: skipped'));
  assert.deepEqual(
    got.insmods,
    moduleFiles.filter((file) => file !== 'drm_kms_helper.ko' && file !== 'video.ko').map((file) => join(got.node.moduleDir, file)),
  );
  assert.equal(got.state, 'loaded\n');
});

test('nvidia-modeset loaded already (its /sys/module name has _): skipped', async (t) => {
  const got = await attempt(t, { prepare: (node) => mkdir(join(node.sysModule, 'nvidia_modeset')) });
  if (!got) return;
  assert.ok(got.lines.includes('nvidia: nvidia-modeset is loaded already: skipped'));
  assert.ok(!got.insmods.includes(join(got.node.moduleDir, 'nvidia-modeset.ko')));
});

test('nvidia.ko says No such device and PCI has no NVIDIA GPU: "no NVIDIA GPU found", the rest not loaded, state no-gpu', async (t) => {
  const got = await attempt(t, {
    prepare: async (node) => {
      await failing('nvidia', 'No such device')(node);
      // An Intel GPU and an NVIDIA device that is not a display controller (an audio function).
      await addPciDevice(node, '0000:00:02.0', '0x8086', '0x4680', '0x030000');
      await addPciDevice(node, '0000:01:00.1', '0x10de', '0x228b', '0x040300');
    },
  });
  if (!got) return;
  assert.deepEqual(got.lines, [
    valid,
    ...['wmi.ko', 'video.ko', 'drm.ko', 'drm_kms_helper.ko', 'nvidia.ko'].map((file) => insmodLine(got.node, file)),
    'nvidia: no NVIDIA GPU found',
  ]);
  assert.equal(got.insmods.length, 5, 'nothing after nvidia.ko');
  assert.equal(got.state, 'no-gpu\n');
  assert.equal(existsSync(join(got.node.dev, 'nvidiactl')), false, 'no device nodes');
});

test('nvidia.ko says No such device while PCI has an NVIDIA GPU: a failure naming the GPU, state load-failed', async (t) => {
  const got = await attempt(t, {
    prepare: async (node) => {
      await failing('nvidia', 'No such device')(node);
      await addPciDevice(node, '0000:01:00.0', '0x10de', '0x1b80', '0x030000');
      await addPciDevice(node, '0000:02:00.0', '0x10de', '0x20b0', '0x030200');
    },
  });
  if (!got) return;
  assert.equal(
    got.lines.at(-1),
    'nvidia: nvidia.ko took no GPU (No such device) although PCI has NVIDIA 0000:01:00.0 (10de:1b80), 0000:02:00.0 (10de:20b0): ' +
      "the GPU is not supported by these modules or did not start (the kernel log's NVRM lines say which); the modules after it not loaded",
  );
  assert.equal(got.state, 'load-failed\n');
});

test('another module failing: its name and insmod error are said, loading stops, state load-failed', async (t) => {
  const got = await attempt(t, { prepare: failing('drm', 'invalid module format') });
  if (!got) return;
  const drm = join(got.node.moduleDir, 'drm.ko');
  assert.equal(
    got.lines.at(-1),
    `nvidia: insmod drm.ko failed: insmod: can't insert '${drm}': invalid module format; the modules after it not loaded`,
  );
  assert.deepEqual(got.insmods.at(-1), drm);
  assert.equal(got.state, 'load-failed\n');
});

test('No such device from a module other than nvidia.ko is a failure, not "no GPU"', async (t) => {
  const got = await attempt(t, { prepare: failing('wmi', 'No such device') });
  if (!got) return;
  assert.match(got.lines.at(-1) ?? '', /^nvidia: insmod wmi\.ko failed: insmod: can't insert '.*wmi\.ko': No such device; /);
  assert.equal(got.state, 'load-failed\n');
});

test('nvidia.ko failing otherwise (unknown parameter): said, state load-failed', async (t) => {
  const got = await attempt(t, { mode: 'gsp-off', prepare: failing('nvidia', 'unknown symbol in module, or unknown parameter') });
  if (!got) return;
  assert.match(
    got.lines.at(-1) ?? '',
    /^nvidia: insmod nvidia\.ko failed: .*: unknown symbol in module, or unknown parameter; the modules after it/,
  );
  assert.equal(got.state, 'load-failed\n');
});

test('an insmod that does not end within its bound: said, state load-failed, nothing after it', async (t) => {
  // emb_bounded's own result for a step still running at its bound (see /lib/emb/bounded.sh).
  const bounded =
    'emb_bounded() { case $2 in "insmod nvidia.ko") echo "emb: $2 took over $1 s: stopped, going on without it"; return 124 ;; esac; shift 2; "$@"; }';
  const got = await attempt(t, { script: `${bounded}\nemb_nvidia_once '' ${kernel} ${machine}` });
  if (!got) return;
  assert.deepEqual(got.lines.slice(-2), [
    'emb: insmod nvidia.ko took over 300 s: stopped, going on without it',
    'nvidia: insmod nvidia.ko did not end within 300 s: the modules after it not loaded',
  ]);
  assert.equal(got.insmods.length, 4, 'the kernel modules before nvidia.ko only');
  assert.equal(got.state, 'load-failed\n');
});

test('once per boot: a second run (the service restarted) loads nothing and keeps the state', async (t) => {
  const got = await attempt(t, {
    script: `emb_nvidia_once '' ${kernel} ${machine} > /dev/null; rm "$MOCK/insmod.calls"; emb_nvidia_once '' ${kernel} ${machine}`,
  });
  if (!got) return;
  assert.deepEqual(got.lines, ['nvidia: tried once this boot already (loaded): not again']);
  assert.deepEqual(got.insmods, []);
  assert.equal(got.state, 'loaded\n');
});

test('once per boot: an attempt that began and wrote no state is not repeated; it counts as load-failed', async (t) => {
  const got = await attempt(t, {
    script: `mkdir -p "$emb_nvidia_run"; : > "$emb_nvidia_run/attempt"; emb_nvidia_once '' ${kernel} ${machine}`,
  });
  if (!got) return;
  assert.deepEqual(got.lines, ['nvidia: an earlier attempt this boot ended before it finished: not trying again']);
  assert.deepEqual(got.insmods, []);
  assert.equal(got.state, 'load-failed\n');
});

test('the state file is written by a temp file and rename, one word and LF, readable by all', async (t) => {
  const got = await attempt(t, {
    script: `umask 022; emb_nvidia_set_state no-gpu; ls -a "$emb_nvidia_run"; stat -c %a "$emb_nvidia_run/state"`,
  });
  if (!got) return;
  assert.deepEqual(got.lines, ['.', '..', 'state', '644']);
  assert.equal(got.state, 'no-gpu\n');
});
