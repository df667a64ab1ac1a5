import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { EmbError } from '../../src/errors.ts';
import { archSchema } from '../../src/schema/board.ts';
import { containerLimits } from '../../src/toolchain/container-limits.ts';
import { parseImageSummary } from '../../src/toolchain/docker-engine.ts';
import { parseLabelledContainers } from '../../src/toolchain/docker-leftovers.ts';
import { dockerRunArgs, type DockerRunTarget } from '../../src/toolchain/docker-run-args.ts';
import { nextContainerTarget } from '../../src/toolchain/docker-toolchain.ts';
import { toolchainContextDir, toolchainImageTag } from '../../src/toolchain/toolchain-image.ts';
import type { ToolchainCommand } from '../../src/toolchain/toolchain.ts';
import { tempDir } from '../helpers/run-emb.ts';

const image = `sha256:${'ab'.repeat(32)}`;

const command: ToolchainCommand = {
  command: 'make',
  args: ['-j2', 'CONFIG_PREFIX=/work/pkg/dest', 'install'],
  cwd: '/work/pkg/src',
  env: { CROSS_COMPILE: 'aarch64-linux-gnu-', DESTDIR: '/work/pkg/dest', LC_ALL: 'C' },
  logFile: '/work/pkg/build.log',
  mounts: ['/work/pkg'],
};

// A non-root uid, as a user who is not root runs emb: files they build must be theirs.
const target: DockerRunTarget = {
  image,
  platform: 'linux/amd64',
  uid: 1000,
  gid: 1001,
  containerName: 'emb-4242-3',
  ownerPid: 4242,
  ownerHost: 'builder',
  limits: { memoryBytes: 6 * 2 ** 30, pids: 4096 },
};

test('dockerRunArgs gives the exact docker run argv for one build command', () => {
  assert.deepEqual(dockerRunArgs(command, target), [
    'run',
    '--rm',
    '--name',
    'emb-4242-3',
    '--label',
    'emb.pid=4242',
    '--label',
    'emb.host=builder',
    '--init',
    '--network',
    'none',
    '--platform',
    'linux/amd64',
    '--user',
    '1000:1001',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--pids-limit',
    '4096',
    '--memory',
    '6144m',
    '--memory-swap',
    '6144m',
    '-e',
    'HOME=/tmp',
    '-e',
    'CROSS_COMPILE=aarch64-linux-gnu-',
    '-e',
    'DESTDIR=/work/pkg/dest',
    '-e',
    'LC_ALL=C',
    '--mount',
    'type=bind,source=/work/pkg,target=/work/pkg',
    '-w',
    '/work/pkg/src',
    image,
    'make',
    '-j2',
    'CONFIG_PREFIX=/work/pkg/dest',
    'install',
  ]);
});

test('dockerRunArgs passes arguments through untouched, spaces and quotes included', () => {
  const args = dockerRunArgs({ ...command, command: 'sh', args: ['-c', 'echo "a b" $HOME; true'] }, target);
  assert.deepEqual(args.slice(-4), [image, 'sh', '-c', 'echo "a b" $HOME; true']);
});

test('dockerRunArgs refuses a mount it cannot express', () => {
  for (const bad of ['relative/dir', '/cache/a,b', '/cache/"q"']) {
    assert.throws(
      () => dockerRunArgs({ ...command, mounts: [bad] }, target),
      (error: unknown) => error instanceof EmbError && error.message.includes(bad),
    );
  }
});

test('containers run as the invoking uid and gid, named and labelled with this pid', () => {
  const first = nextContainerTarget({ id: image, sizeBytes: 1, platform: 'linux/amd64' });
  const second = nextContainerTarget({ id: image, sizeBytes: 1, platform: 'linux/amd64' });
  assert.equal(first.uid, process.getuid!());
  assert.equal(first.gid, process.getgid!());
  assert.equal(first.ownerPid, process.pid);
  assert.match(first.containerName, new RegExp(`^emb-${process.pid}-\\d+$`));
  assert.notEqual(first.containerName, second.containerName);
  assert.ok(dockerRunArgs(command, first).join(' ').includes(`--user ${process.getuid!()}:${process.getgid!()}`));
});

test('a container may use three quarters of the host memory in whole MiB, never less than 512 MiB, and 4096 processes', () => {
  assert.deepEqual(containerLimits(8 * 2 ** 30), { memoryBytes: 6 * 2 ** 30, pids: 4096 });
  assert.deepEqual(containerLimits(2 ** 30 + 12345), { memoryBytes: 768 * 2 ** 20, pids: 4096 });
  assert.deepEqual(containerLimits(256 * 2 ** 20), { memoryBytes: 512 * 2 ** 20, pids: 4096 });
  const limits = nextContainerTarget({ id: image, sizeBytes: 1, platform: 'linux/amd64' }).limits;
  assert.equal(limits.memoryBytes % 2 ** 20, 0);
});

test('parseImageSummary reads docker image inspect output', () => {
  assert.deepEqual(parseImageSummary(`${image} 727189504 linux/amd64\n`), { id: image, sizeBytes: 727189504, platform: 'linux/amd64' });
  assert.equal(parseImageSummary(''), undefined);
});

test('parseLabelledContainers keeps only lines with a numeric pid', () => {
  assert.deepEqual(parseLabelledContainers('1a2b 4242\n3c4d \n5e6f x\n'), [{ id: '1a2b', pid: 4242 }]);
});

test('the image tag changes with a package list, not with the README', async () => {
  const dir = await tempDir('toolchain');
  await cp(toolchainContextDir, dir, { recursive: true });
  const tag = await toolchainImageTag(dir);
  assert.match(tag, /^emb-toolchain:[0-9a-f]{12}$/);
  await writeFile(join(dir, 'packages', 'README.md'), 'edited\n', { flag: 'a' });
  assert.equal(await toolchainImageTag(dir), tag);
  // The host's own lists are not in the image.
  await writeFile(join(dir, 'packages', 'test.list'), 'something-for-tests\n', { flag: 'a' });
  assert.equal(await toolchainImageTag(dir), tag);
  await writeFile(join(dir, 'packages', 'common.list'), 'zstd\n', { flag: 'a' });
  assert.notEqual(await toolchainImageTag(dir), tag);
});

test('the Dockerfile installs common.list and every arch list, read from the files', async () => {
  const dockerfile = await readFile(join(toolchainContextDir, 'Dockerfile'), 'utf8');
  const loop = /for list in ([a-z0-9 ]+); do/.exec(dockerfile);
  assert.ok(loop, 'the Dockerfile loops over the lists');
  assert.deepEqual(loop[1]!.trim().split(/\s+/).sort(), ['common', ...archSchema.options].sort());
  assert.match(dockerfile, /^FROM debian:bookworm$/m);
  assert.match(dockerfile, /--no-install-recommends/);
  assert.doesNotMatch(dockerfile, /apt-get (dist-)?upgrade/);
});
