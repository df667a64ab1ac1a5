/**
 * GPU metrics for node_exporter's textfile collector on the GPU node
 * (packages/nvidia-open/rootfiles/lib/emb/nvidia-metrics.sh, run by the host's busybox
 * with an nvidia-smi stand-in): nvidia-smi's CSV becomes Prometheus text that
 * promtool accepts, written by a temp file and rename only while the modules are
 * loaded and nvidia-smi answers; otherwise there is no file. promtool is in Debian's
 * prometheus package; under CI=true its absence fails the test.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { execa } from 'execa';
import { findOnPath } from '../../src/host/host-tools.ts';
import { skipOrFail } from '../helpers/skip-or-fail.ts';
import { type FakeNode, fakeNode, hostBusybox, metricsLibrary, removeNode, runOnNode } from './nvidia-node-shell.ts';

const busybox = await hostBusybox();

const uuid0 = 'GPU-0f5c6f0e-9a55-11ee-b9d1-0242ac120002';
const uuid1 = 'GPU-5d1e4b1a-2c33-4f8e-9b7a-6c0d2e1f3a4b';

/** Two GPUs as `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` prints them; GPU 1 reports no power draw. */
const twoGpus = `0, ${uuid0}, 45, 71.23, 37, 1024, 24564\n1, ${uuid1}, 52, [N/A], 100, 0, 81920\n`;

const twoGpusProm = [
  '# HELP nvidia_temperature_celsius GPU core temperature (nvidia-smi temperature.gpu).',
  '# TYPE nvidia_temperature_celsius gauge',
  `nvidia_temperature_celsius{gpu="0",uuid="${uuid0}"} 45`,
  `nvidia_temperature_celsius{gpu="1",uuid="${uuid1}"} 52`,
  '# HELP nvidia_power_watts Power drawn by the board (nvidia-smi power.draw).',
  '# TYPE nvidia_power_watts gauge',
  `nvidia_power_watts{gpu="0",uuid="${uuid0}"} 71.23`,
  '# HELP nvidia_utilization_ratio Share of the last sample period in which a kernel ran, 0 to 1 (nvidia-smi utilization.gpu).',
  '# TYPE nvidia_utilization_ratio gauge',
  `nvidia_utilization_ratio{gpu="0",uuid="${uuid0}"} 0.37`,
  `nvidia_utilization_ratio{gpu="1",uuid="${uuid1}"} 1`,
  '# HELP nvidia_memory_used_bytes GPU memory in use (nvidia-smi memory.used).',
  '# TYPE nvidia_memory_used_bytes gauge',
  `nvidia_memory_used_bytes{gpu="0",uuid="${uuid0}"} 1073741824`,
  `nvidia_memory_used_bytes{gpu="1",uuid="${uuid1}"} 0`,
  '# HELP nvidia_memory_total_bytes GPU memory in all (nvidia-smi memory.total).',
  '# TYPE nvidia_memory_total_bytes gauge',
  `nvidia_memory_total_bytes{gpu="0",uuid="${uuid0}"} 25757220864`,
  `nvidia_memory_total_bytes{gpu="1",uuid="${uuid1}"} 85899345920`,
  '',
].join('\n');

function needsBusybox(t: TestContext): string | undefined {
  if (!busybox) skipOrFail(t, 'busybox is not installed (apt-get install busybox; toolchain/packages/test.list)');
  return busybox;
}

/** emb_nvidia_prom on `csv`: its stdout. */
async function prom(shell: string, csv: string): Promise<string> {
  const node = await fakeNode();
  try {
    await writeFile(join(node.root, 'in.csv'), csv);
    const result = await runOnNode(shell, node, [metricsLibrary], `emb_nvidia_prom < "${join(node.root, 'in.csv')}"`);
    assert.equal(result.stderr, '');
    assert.equal(result.exitCode, 0);
    return result.stdout === '' ? '' : `${result.stdout}\n`;
  } finally {
    await removeNode(node);
  }
}

/** promtool's verdict on Prometheus text: '' when it has nothing to say. */
async function promtoolProblems(t: TestContext, text: string): Promise<string | undefined> {
  if (!(await findOnPath('promtool'))) {
    skipOrFail(t, 'promtool is not installed (apt-get install prometheus)');
    return undefined;
  }
  const result = await execa('promtool', ['check', 'metrics'], { input: text, reject: false });
  return result.exitCode === 0 ? `${result.stdout}${result.stderr}`.trim() : `status ${result.exitCode}: ${result.stdout}${result.stderr}`;
}

test('two GPUs, one without a power figure: one gauge family a figure, labelled by index and uuid, the N/A left out', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  assert.equal(await prom(shell, twoGpus), twoGpusProm);
});

test('the metrics pass promtool check metrics', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  const text = await prom(shell, twoGpus);
  const problems = await promtoolProblems(t, text);
  if (problems === undefined) return;
  assert.equal(problems, '', text);
});

test('[Not Supported], [GPU is lost] and other words are left out; a family with no sample at all has no HELP or TYPE', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  const text = await prom(shell, `0, ${uuid0}, [N/A], [Not Supported], [Not Supported], 12, [GPU is lost]\n`);
  assert.equal(
    text,
    [
      '# HELP nvidia_memory_used_bytes GPU memory in use (nvidia-smi memory.used).',
      '# TYPE nvidia_memory_used_bytes gauge',
      `nvidia_memory_used_bytes{gpu="0",uuid="${uuid0}"} 12582912`,
      '',
    ].join('\n'),
  );
  const problems = await promtoolProblems(t, text);
  if (problems !== undefined) assert.equal(problems, '');
});

test('lines that are no GPU (an error on stdout, other field counts, no index) give nothing', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  const csv = [
    'No devices were found',
    "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
    `0, ${uuid0}, 45, 71.23, 37, 1024`,
    `x, ${uuid0}, 45, 71.23, 37, 1024, 2048`,
    '',
  ].join('\n');
  assert.equal(await prom(shell, csv), '');
});

test('CRLF lines, spaces, and a label value that could break out of its quotes', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  const text = await prom(shell, '  3 ,GPU-a"b\\c , 40 , 10.5 , 0 , 0 , 1 \r\n');
  assert.match(text, /^nvidia_temperature_celsius\{gpu="3",uuid="GPU-a_b_c"\} 40$/m);
  assert.match(text, /^nvidia_power_watts\{gpu="3",uuid="GPU-a_b_c"\} 10\.5$/m);
  assert.match(text, /^nvidia_memory_total_bytes\{gpu="3",uuid="GPU-a_b_c"\} 1048576$/m);
});

/** A fake node with an nvidia-smi stand-in that prints `stdout`, says `stderr` and exits `status`. */
async function nodeWithSmi(stdout: string, stderr = '', status = 0): Promise<FakeNode> {
  const node = await fakeNode();
  await writeFile(join(node.mock, 'smi.out'), stdout);
  await writeFile(join(node.mock, 'smi.err'), stderr);
  await writeFile(
    join(node.mock, 'nvidia-smi'),
    `#!/bin/sh\necho "$*" >> "$MOCK/smi.calls"\ncat "$MOCK/smi.out"\ncat "$MOCK/smi.err" >&2\nexit ${status}\n`,
  );
  await chmod(join(node.mock, 'nvidia-smi'), 0o755);
  await mkdir(node.run, { recursive: true });
  return node;
}

/** emb_nvidia_metrics_update rounds (state word `state`, '' for no file) on `node`; the log, the textfile dir's files. */
async function rounds(shell: string, node: FakeNode, state: string, script: string, env: Record<string, string> = {}) {
  if (state !== '') await writeFile(join(node.run, 'state'), `${state}\n`);
  const textfile = join(node.root, 'textfile');
  await mkdir(textfile, { recursive: true });
  const result = await runOnNode(shell, node, [metricsLibrary], `textfile=${textfile}\numask 077\n${script}`, env);
  assert.equal(result.stderr, '');
  const smiCalls = existsSync(join(node.mock, 'smi.calls')) ? await readFile(join(node.mock, 'smi.calls'), 'utf8') : '';
  return { lines: result.stdout.split('\n').filter(Boolean), textfile, files: (await readdir(textfile)).sort(), smiCalls };
}

const update = 'emb_nvidia_metrics_update "$emb_nvidia_run/state" "$textfile"; echo "status=$?"';

test('state loaded: nvidia-smi asked exactly as specified, nvidia.prom written 0644 by a rename, no temp file left', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  const node = await nodeWithSmi(twoGpus);
  try {
    // The kernel hands unknown name=value words of its command line to init's environment:
    // a held nvidia-smi "pid 1" or a message said already must not stop the metrics.
    const got = await rounds(shell, node, 'loaded', update, { emb_nvidia_smi_held: '1', emb_nvidia_metrics_said: 'x' });
    assert.equal(
      got.smiCalls,
      '--query-gpu=index,uuid,temperature.gpu,power.draw,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits\n',
    );
    assert.deepEqual(got.files, ['nvidia.prom']);
    assert.equal(await readFile(join(got.textfile, 'nvidia.prom'), 'utf8'), twoGpusProm);
    assert.equal(((await stat(join(got.textfile, 'nvidia.prom'))).mode & 0o777).toString(8), '644', 'node_exporter runs as nobody');
    assert.deepEqual(got.lines, [`nvidia-metrics: GPU metrics in ${got.textfile}/nvidia.prom`, 'status=0']);
  } finally {
    await removeNode(node);
  }
});

for (const state of ['no-gpu', 'off', 'invalid-marker', 'load-failed', '']) {
  test(`state ${state || 'not written yet'}: no nvidia-smi, a stale nvidia.prom removed, said once over rounds`, async (t) => {
    const shell = needsBusybox(t);
    if (!shell) return;
    const node = await nodeWithSmi(twoGpus);
    try {
      const stale = `mkdir -p "$textfile"; echo stale > "$textfile/nvidia.prom"; echo stale > "$textfile/nvidia.prom.tmp"; echo other > "$textfile/other.prom"\n`;
      const got = await rounds(shell, node, state, `${stale}${update}\n${update}\n${update}`);
      assert.equal(got.smiCalls, '');
      assert.deepEqual(got.files, ['other.prom'], "another service's file stays");
      assert.deepEqual(got.lines, [
        `nvidia-metrics: nvidia state ${state || 'not written yet'}: no GPU metrics`,
        'status=1',
        'status=1',
        'status=1',
      ]);
    } finally {
      await removeNode(node);
    }
  });
}

test('nvidia-smi failing: no file, its error said once, and the metrics come back when it answers again', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  const node = await nodeWithSmi('', 'Unable to determine the device handle for GPU0000:01:00.0: Unknown Error\n', 15);
  try {
    await writeFile(join(node.mock, 'smi.good'), twoGpus);
    const recover = 'cp "$MOCK/smi.good" "$MOCK/smi.out"; : > "$MOCK/smi.err"; sed -i "s/^exit .*/exit 0/" "$MOCK/nvidia-smi"';
    const got = await rounds(shell, node, 'loaded', `echo x > "$textfile/nvidia.prom"\n${update}\n${update}\n${recover}\n${update}`);
    assert.deepEqual(got.lines, [
      'nvidia-metrics: nvidia-smi failed (status 15: Unable to determine the device handle for GPU0000:01:00.0: Unknown Error): no GPU metrics',
      'status=1',
      'status=1',
      `nvidia-metrics: GPU metrics in ${got.textfile}/nvidia.prom`,
      'status=0',
    ]);
    assert.deepEqual(got.files, ['nvidia.prom']);
  } finally {
    await removeNode(node);
  }
});

test('nvidia-smi printing nothing (or no GPU line): no file', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  const node = await nodeWithSmi('No devices were found\n');
  try {
    const got = await rounds(shell, node, 'loaded', `echo x > "$textfile/nvidia.prom"\n${update}`);
    assert.deepEqual(got.lines, ['nvidia-metrics: nvidia-smi reported no GPU: no GPU metrics', 'status=1']);
    assert.deepEqual(got.files, []);
  } finally {
    await removeNode(node);
  }
});

test('nvidia-smi not answering within its bound: no file; while the one the kernel holds lives, no other is started', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  const node = await nodeWithSmi(twoGpus);
  try {
    // emb_bounded's result for a step still running at its bound; the "held" nvidia-smi is a sleep of this test.
    const script = [
      'sleep 30 & held=$!',
      'emb_bounded() { echo "$held" > "$4.pid"; return 124; }',
      'echo x > "$textfile/nvidia.prom"',
      update,
      'emb_bounded() { echo unexpected; return 1; }',
      update,
      'kill "$held"; wait "$held" 2>/dev/null',
      'emb_bounded() { shift 2; "$@"; }',
      update,
    ].join('\n');
    const got = await rounds(shell, node, 'loaded', script);
    assert.deepEqual(got.lines, [
      'nvidia-metrics: nvidia-smi did not answer within 10 s: no GPU metrics until it does',
      'status=1',
      'status=1',
      `nvidia-metrics: GPU metrics in ${got.textfile}/nvidia.prom`,
      'status=0',
    ]);
  } finally {
    await removeNode(node);
  }
});

test('bee.nvidia.metrics_interval: whole seconds 1-3600, else 5 (said)', async (t) => {
  const shell = needsBusybox(t);
  if (!shell) return;
  const node = await fakeNode();
  try {
    const values = ['', '1', '30', '3600', '3601', '0', '05', 'abc', '-1', '2.5'];
    const script = values.map((value) => `emb_nvidia_pick_interval '${value}'; echo "${value}=$emb_nvidia_interval"`).join('\n');
    const result = await runOnNode(shell, node, [metricsLibrary], script);
    assert.deepEqual(result.stdout.split('\n'), [
      '=5',
      '1=1',
      '30=30',
      '3600=3600',
      'nvidia-metrics: bee.nvidia.metrics_interval=3601 is over 3600: every 5 s instead',
      '3601=5',
      'nvidia-metrics: bee.nvidia.metrics_interval=0 is not whole seconds 1-3600: every 5 s instead',
      '0=5',
      'nvidia-metrics: bee.nvidia.metrics_interval=05 is not whole seconds 1-3600: every 5 s instead',
      '05=5',
      'nvidia-metrics: bee.nvidia.metrics_interval=abc is not whole seconds 1-3600: every 5 s instead',
      'abc=5',
      'nvidia-metrics: bee.nvidia.metrics_interval=-1 is not whole seconds 1-3600: every 5 s instead',
      '-1=5',
      'nvidia-metrics: bee.nvidia.metrics_interval=2.5 is not whole seconds 1-3600: every 5 s instead',
      '2.5=5',
    ]);
  } finally {
    await removeNode(node);
  }
});
