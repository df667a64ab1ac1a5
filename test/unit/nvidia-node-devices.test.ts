/**
 * The /dev/nvidia* nodes the GPU node makes once the modules are in
 * (emb_nvidia_make_nodes in packages/nvidia-open/rootfiles/lib/emb/nvidia-load.sh, run
 * by the host's busybox): majors from a fake /proc/devices, one node per GPU of a fake
 * /proc/driver/nvidia/gpus, mode 0666, made with the host's mknod into a temp dir
 * (so the test runs as root, as the tests do on CI).
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { execa } from 'execa';
import { skipOrFail } from '../helpers/skip-or-fail.ts';
import { addGpu, type FakeNode, fakeNode, hostBusybox, loadLibrary, removeNode, runOnNode, writeProcDevices } from './nvidia-node-shell.ts';

const busybox = await hostBusybox();

/** A node's type, major, minor and permission bits, as `ls -l` would show them. */
async function nodeOf(path: string): Promise<string> {
  const info = await stat(path);
  // Linux's dev_t: major in bits 8-19 (and 32 up), minor in bits 0-7 and 20-31.
  const major = Number((BigInt(info.rdev) >> 8n) & 0xfffn);
  const minor = Number((BigInt(info.rdev) & 0xffn) | ((BigInt(info.rdev) >> 12n) & 0xfff00n));
  return `${info.isCharacterDevice() ? 'c' : '?'} ${major}:${minor} ${(info.mode & 0o7777).toString(8)}`;
}

/** emb_nvidia_make_nodes on a fake node set up by `prepare`; its lines, status and the nodes made. */
async function makeNodes(t: TestContext, prepare: (node: FakeNode) => Promise<void> = async () => {}) {
  if (!busybox) {
    skipOrFail(t, 'busybox is not installed (apt-get install busybox; toolchain/packages/test.list)');
    return undefined;
  }
  if (process.getuid?.() !== 0) {
    skipOrFail(t, 'mknod needs root: run the tests as root (CI does)');
    return undefined;
  }
  const node = await fakeNode();
  try {
    await prepare(node);
    const result = await runOnNode(
      busybox,
      node,
      [loadLibrary],
      'umask 077; emb_nvidia_make_nodes "$emb_nvidia_proc_devices" "$emb_nvidia_dev" "$emb_nvidia_proc_gpus"; echo "status=$? gpus=$emb_nvidia_gpu_count"',
    );
    assert.equal(result.stderr, '');
    const nodes: Record<string, string> = {};
    for (const name of (await readdir(node.dev)).sort()) nodes[name] = await nodeOf(join(node.dev, name));
    return { node, lines: result.stdout.split('\n'), nodes };
  } finally {
    await removeNode(node);
  }
}

test('two GPUs: nvidiactl, nvidia0, nvidia1, nvidia-modeset on nvidia-frontend, uvm and uvm-tools on nvidia-uvm, all 0666', async (t) => {
  const got = await makeNodes(t, (node) => addGpu(node, '0000:02:00.0', 1));
  if (!got) return;
  assert.deepEqual(got.nodes, {
    nvidiactl: 'c 195:255 666',
    nvidia0: 'c 195:0 666',
    nvidia1: 'c 195:1 666',
    'nvidia-modeset': 'c 195:254 666',
    'nvidia-uvm': 'c 509:0 666',
    'nvidia-uvm-tools': 'c 509:1 666',
  });
  const dev = got.node.dev;
  assert.deepEqual(got.lines, [
    `nvidia: device nodes ${dev}/nvidiactl ${dev}/nvidia0 ${dev}/nvidia1 ${dev}/nvidia-modeset (major 195), ${dev}/nvidia-uvm ${dev}/nvidia-uvm-tools (major 509)`,
    'status=0 gpus=2',
  ]);
});

test("a GPU's node takes the minor its information file gives, not its place in the list", async (t) => {
  const got = await makeNodes(t, async (node) => {
    await rm(join(node.procGpus, '0000:01:00.0'), { recursive: true });
    await addGpu(node, '0000:01:00.0', 3);
    await addGpu(node, '0000:41:00.0', 0);
  });
  if (!got) return;
  assert.equal(got.nodes.nvidia3, 'c 195:3 666');
  assert.equal(got.nodes.nvidia0, 'c 195:0 666');
  assert.equal(got.nodes.nvidia1, undefined);
});

test('a GPU without a readable minor takes its place in the directory order', async (t) => {
  const got = await makeNodes(t, (node) => addGpu(node, '0000:02:00.0', undefined));
  if (!got) return;
  assert.equal(got.nodes.nvidia0, 'c 195:0 666');
  assert.equal(got.nodes.nvidia1, 'c 195:1 666');
  assert.equal(got.lines.at(-1), 'status=0 gpus=2');
});

test('the major of "nvidia" when /proc/devices has no nvidia-frontend', async (t) => {
  const got = await makeNodes(t, (node) => writeProcDevices(node, { nvidia: 240, 'nvidia-uvm': 238 }));
  if (!got) return;
  assert.equal(got.nodes.nvidiactl, 'c 240:255 666');
  assert.equal(got.nodes.nvidia0, 'c 240:0 666');
  assert.equal(got.nodes['nvidia-uvm'], 'c 238:0 666');
});

test('nvidia-frontend wins over nvidia, whatever the order', async (t) => {
  const got = await makeNodes(t, (node) => writeProcDevices(node, { nvidia: 240, 'nvidia-frontend': 195, 'nvidia-uvm': 238 }));
  if (!got) return;
  assert.equal(got.nodes.nvidia0, 'c 195:0 666');
});

test('neither in /proc/devices: major 195, said; no nvidia-uvm: no uvm nodes, said, status 1', async (t) => {
  const got = await makeNodes(t, (node) => writeProcDevices(node, { 'nvidia-caps': 236 }));
  if (!got) return;
  const { dev, procDevices } = got.node;
  assert.deepEqual(got.nodes, { nvidiactl: 'c 195:255 666', nvidia0: 'c 195:0 666', 'nvidia-modeset': 'c 195:254 666' });
  assert.deepEqual(got.lines, [
    `nvidia: ${procDevices} lists neither nvidia-frontend nor nvidia: using major 195`,
    `nvidia: ${procDevices} lists no nvidia-uvm: no ${dev}/nvidia-uvm (CUDA needs it)`,
    `nvidia: device nodes ${dev}/nvidiactl ${dev}/nvidia0 ${dev}/nvidia-modeset (major 195)`,
    'status=1 gpus=1',
  ]);
});

test('a block device of the same name is not taken for the character one', async (t) => {
  // writeProcDevices always lists "300 nvidia-uvm" under Block devices.
  const got = await makeNodes(t, (node) => writeProcDevices(node, { 'nvidia-frontend': 195 }));
  if (!got) return;
  assert.equal(got.nodes['nvidia-uvm'], undefined);
});

test('a wrong node in the way is replaced; a right one is kept (its mode set)', async (t) => {
  const got = await makeNodes(t, async (node) => {
    await execa('mknod', ['-m', '0600', join(node.dev, 'nvidiactl'), 'c', '1', '3']);
    await execa('mknod', ['-m', '0600', join(node.dev, 'nvidia0'), 'c', '195', '0']);
    await mkdir(join(node.dev, 'nvidia-modeset'));
  });
  if (!got) return;
  assert.equal(got.nodes.nvidiactl, 'c 195:255 666');
  assert.equal(got.nodes.nvidia0, 'c 195:0 666');
  assert.equal(got.lines.at(-1), 'status=1 gpus=1', 'a directory in the way (rm -f cannot remove it) is a failure');
  assert.ok(got.lines.includes(`nvidia: could not make ${got.node.dev}/nvidia-modeset (c 195 254)`), got.lines.join('\n'));
});

test('no GPU entries (an empty /proc/driver/nvidia/gpus): the control nodes only', async (t) => {
  const got = await makeNodes(t, (node) => rm(join(node.procGpus, '0000:01:00.0'), { recursive: true }));
  if (!got) return;
  assert.deepEqual(Object.keys(got.nodes), ['nvidia-modeset', 'nvidia-uvm', 'nvidia-uvm-tools', 'nvidiactl']);
  assert.equal(got.lines.at(-1), 'status=0 gpus=0');
});
