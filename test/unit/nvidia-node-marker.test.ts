/**
 * The GPU node checks the build's marker before it loads any NVIDIA module
 * (packages/nvidia-open/rootfiles/lib/emb/nvidia-load.sh, run by the host's busybox):
 * every way the marker, nvidia.conf or a module file can be wrong ends in one line
 * naming what failed, state invalid-marker, and no insmod at all.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { skipOrFail } from '../helpers/skip-or-fail.ts';
import {
  type FakeNode,
  fakeNode,
  hostBusybox,
  kernel,
  loadLibrary,
  machine,
  markerLines,
  moduleFiles,
  removeNode,
  runOnNode,
} from './nvidia-node-shell.ts';

const busybox = await hostBusybox();

type Node = Awaited<ReturnType<typeof fakeNode>>;

/** One attempt on a fresh fake node changed by `change`: the log lines, the state word, the insmods. */
async function attemptWith(t: TestContext, change: (node: Node) => Promise<void>) {
  if (!busybox) {
    skipOrFail(t, 'busybox is not installed (apt-get install busybox; toolchain/packages/test.list)');
    return undefined;
  }
  const node = await fakeNode();
  try {
    await change(node);
    const result = await runOnNode(busybox, node, [loadLibrary], `emb_nvidia_once '' ${kernel} ${machine}`);
    assert.equal(result.stderr, '');
    assert.equal(result.exitCode, 0);
    const state = await readFile(join(node.run, 'state'), 'utf8');
    const insmods = existsSync(join(node.mock, 'insmod.calls')) ? await readFile(join(node.mock, 'insmod.calls'), 'utf8') : '';
    return { node: node as FakeNode, lines: result.stdout.split('\n'), state, insmods };
  } finally {
    await removeNode(node);
  }
}

const writeMarker = (node: Node, lines: string[], end = '\n') => writeFile(node.marker, lines.join('\n') + end);
const inserted = (lines: string[], index: number, line: string) => [...lines.slice(0, index), line, ...lines.slice(index)];
const replaced = (lines: string[], index: number, line: string) => lines.map((old, at) => (at === index ? line : old));

interface MarkerCase {
  name: string;
  change: (node: Node) => Promise<void>;
  /** What the log line says failed (between "marker <path>: " and ": NVIDIA modules not loaded"). */
  problem: (node: FakeNode) => string;
}

const markerCases: MarkerCase[] = [
  {
    name: 'the marker is missing',
    change: (node) => rm(node.marker),
    problem: () => 'missing (no such file)',
  },
  {
    name: 'CRLF line ends',
    change: (node) => writeFile(node.marker, `${markerLines(node.hashes).join('\r\n')}\r\n`),
    problem: () => 'line 1 ends in a carriage return (CRLF line ends): the marker must have LF line ends',
  },
  {
    name: 'a CR inside a line',
    change: (node) => writeMarker(node, markerLines(node.hashes, { note: 'a\rb' })),
    problem: () => 'line 5 holds a carriage return: the marker must have LF line ends',
  },
  {
    name: 'a line that is not key=value',
    change: (node) => writeMarker(node, inserted(markerLines(node.hashes), 2, 'garbage here')),
    problem: () => 'line 3 is not key=value: garbage here',
  },
  {
    name: 'an empty line',
    change: (node) => writeMarker(node, inserted(markerLines(node.hashes), 4, '')),
    problem: () => 'line 5 is not key=value: (an empty line)',
  },
  {
    name: 'a line with an empty key',
    change: (node) => writeMarker(node, inserted(markerLines(node.hashes), 1, '=6.1.0-50-amd64')),
    problem: () => 'line 2 is not key=value: =6.1.0-50-amd64',
  },
  {
    name: 'a key with a space',
    change: (node) => writeMarker(node, inserted(markerLines(node.hashes), 1, 'driver version=1')),
    problem: () => 'line 2 is not key=value: driver version=1',
  },
  {
    name: 'a duplicate key',
    change: (node) => writeMarker(node, [...markerLines(node.hashes), `kernel=${kernel}`]),
    problem: () => 'key kernel is on lines 1 and 13',
  },
  {
    name: 'a duplicate sha256 line',
    change: (node) => writeMarker(node, [...markerLines(node.hashes), `sha256.nvidia.ko=${node.hashes['nvidia.ko']}`]),
    problem: () => 'key sha256.nvidia.ko is on lines 9 and 13',
  },
  {
    name: 'a required key missing',
    change: (node) =>
      writeMarker(
        node,
        markerLines(node.hashes).filter((line) => !line.startsWith('arch=')),
      ),
    problem: () => 'required key arch is missing',
  },
  {
    name: 'a required key blank',
    change: (node) =>
      writeMarker(
        node,
        markerLines(node.hashes).map((line) => (line.startsWith('driver_kind=') ? 'driver_kind=' : line)),
      ),
    problem: () => 'required key driver_kind is empty (line 3)',
  },
  {
    name: 'another kernel',
    change: (node) => writeMarker(node, replaced(markerLines(node.hashes), 0, 'kernel=6.1.0-49-amd64')),
    problem: () => 'kernel is 6.1.0-49-amd64 but the running kernel is 6.1.0-50-amd64',
  },
  {
    name: 'another driver version',
    change: (node) => writeMarker(node, replaced(markerLines(node.hashes), 1, 'driver_version=535.247.01')),
    problem: (node) => `driver_version is 535.247.01 but ${node.conf} has NVIDIA_DRIVER_VERSION=535.261.03`,
  },
  {
    name: 'another driver kind',
    change: (node) => writeMarker(node, replaced(markerLines(node.hashes), 2, 'driver_kind=proprietary')),
    problem: (node) => `driver_kind is proprietary but ${node.conf} has NVIDIA_DRIVER_KIND=open`,
  },
  {
    name: 'another arch',
    change: (node) => writeMarker(node, replaced(markerLines(node.hashes), 3, 'arch=aarch64')),
    problem: () => 'arch is aarch64 but this machine is x86_64',
  },
  {
    name: 'a module without its sha256 line',
    change: (node) =>
      writeMarker(
        node,
        markerLines(node.hashes).filter((line) => !line.startsWith('sha256.nvidia-uvm.ko=')),
      ),
    problem: () => 'no sha256.nvidia-uvm.ko line for nvidia-uvm.ko (NVIDIA_MODULES lists it)',
  },
  {
    name: 'a sha256 that is not 64 hex digits',
    change: (node) => writeMarker(node, replaced(markerLines(node.hashes), 6, `sha256.drm.ko=${node.hashes['drm.ko']!.slice(1)}`)),
    problem: () => 'sha256.drm.ko is not 64 hex digits (line 7)',
  },
  {
    name: 'a module file missing',
    change: (node) => rm(join(node.moduleDir, 'video.ko')),
    problem: (node) => `video.ko is missing from ${node.moduleDir}`,
  },
  {
    name: 'a truncated nvidia.ko',
    change: (node) => truncate(join(node.moduleDir, 'nvidia.ko'), 100_000),
    problem: () => 'sha256 of nvidia.ko does not match the marker (truncated or corrupt file)',
  },
  {
    name: 'a corrupt module of the same size',
    change: async (node) => {
      const path = join(node.moduleDir, 'drm_kms_helper.ko');
      const data = await readFile(path);
      data[100] = (data[100] ?? 0) ^ 1;
      await writeFile(path, data);
    },
    problem: () => 'sha256 of drm_kms_helper.ko does not match the marker (truncated or corrupt file)',
  },
];

for (const row of markerCases) {
  test(`marker: ${row.name} is one line, state invalid-marker, nothing loaded`, async (t) => {
    const got = await attemptWith(t, row.change);
    if (!got) return;
    assert.deepEqual(got.lines, [`nvidia: marker ${got.node.marker}: ${row.problem(got.node)}: NVIDIA modules not loaded`]);
    assert.equal(got.state, 'invalid-marker\n');
    assert.equal(got.insmods, '');
  });
}

const validCases: { name: string; change: (node: Node) => Promise<void> }[] = [
  { name: 'as the build writes it', change: async () => {} },
  {
    name: 'with unknown keys',
    change: (node) => writeMarker(node, markerLines(node.hashes, { built_by: 'emb 0.1.0', 'sha256.extra.ko': 'x', 'note.a=b': '=' })),
  },
  { name: 'without the last LF', change: (node) => writeMarker(node, markerLines(node.hashes), '') },
  {
    name: 'with upper-case hex',
    change: (node) =>
      writeMarker(
        node,
        markerLines(node.hashes).map((line) => line.replace(/=([0-9a-f]{64})$/, (hex) => hex.toUpperCase())),
      ),
  },
];

for (const row of validCases) {
  test(`marker: valid ${row.name}: said so, then the modules load`, async (t) => {
    const got = await attemptWith(t, row.change);
    if (!got) return;
    assert.equal(got.lines[0], `nvidia: marker valid (kernel ${kernel}, driver 535.261.03 open)`);
    assert.equal(got.state, 'loaded\n');
    assert.equal(got.insmods.split('\n').filter(Boolean).length, moduleFiles.length);
  });
}

const confCases: { name: string; conf: (node: FakeNode) => string; problem: (node: FakeNode) => string }[] = [
  { name: 'missing', conf: () => '', problem: (node) => `${node.conf} is missing` },
  {
    name: 'without NVIDIA_MODULES',
    conf: (node) => `NVIDIA_DRIVER_VERSION=535.261.03\nNVIDIA_DRIVER_KIND=open\nNVIDIA_MODULE_DIR=${node.moduleDir}\n`,
    problem: (node) => `${node.conf} sets no NVIDIA_MODULES`,
  },
  {
    name: 'that is not sh',
    conf: () => 'NVIDIA_DRIVER_VERSION=535.261.03\nif then\n',
    problem: (node) => `${node.conf} could not be read (not sh)`,
  },
  {
    name: 'with a module that is a path',
    conf: (node) =>
      `NVIDIA_DRIVER_VERSION=535.261.03\nNVIDIA_DRIVER_KIND=open\nNVIDIA_MODULE_DIR=${node.moduleDir}\nNVIDIA_MODULES='drm.ko ../nvidia.ko'\n`,
    problem: (node) => `${node.conf}: NVIDIA_MODULES entry ../nvidia.ko is not a module file name (name.ko)`,
  },
  {
    name: 'with a module that is not a .ko',
    conf: (node) =>
      `NVIDIA_DRIVER_VERSION=535.261.03\nNVIDIA_DRIVER_KIND=open\nNVIDIA_MODULE_DIR=${node.moduleDir}\nNVIDIA_MODULES='drm.ko *'\n`,
    problem: (node) => `${node.conf}: NVIDIA_MODULES entry * is not a module file name (name.ko)`,
  },
];

for (const row of confCases) {
  test(`nvidia.conf ${row.name}: one line, state invalid-marker, nothing loaded`, async (t) => {
    const got = await attemptWith(t, async (node) => {
      const text = row.conf(node);
      if (text === '') await rm(node.conf);
      else await writeFile(node.conf, text);
    });
    if (!got) return;
    assert.deepEqual(got.lines, [`nvidia: ${row.problem(got.node)}: NVIDIA modules not loaded`]);
    assert.equal(got.state, 'invalid-marker\n');
    assert.equal(got.insmods, '');
  });
}
