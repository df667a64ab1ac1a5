/**
 * shellcheck on every shell file emb ships or runs, failing on any finding (info
 * included): the runtime overlay's files (a `#!/bin/sh` shebang, a `# shellcheck
 * shell=` directive, the files /init and the services source from /lib/emb, the udhcpc
 * script, /etc/profile), those of the packages' own overlays (packages/<name>/rootfiles,
 * e.g. nvidia-open's services) and the host scripts (scripts/*.sh, .ci/run).
 * shellcheck is in toolchain/packages/test.list (Debian package shellcheck).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { findOnPath } from '../../src/host/host-tools.ts';
import { projectRoot } from '../../src/paths.ts';
import { skipOrFail } from '../helpers/skip-or-fail.ts';

const rootfiles = path.join(projectRoot, 'rootfiles');

/** A rootfiles tree's shell files, relative to the tree, each with whether it names its shell itself. */
export async function rootfilesShellFiles(tree = rootfiles): Promise<{ file: string; namesShell: boolean }[]> {
  const entries = await readdir(tree, { recursive: true, withFileTypes: true });
  const found: { file: string; namesShell: boolean }[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.relative(tree, path.join(entry.parentPath, entry.name));
    const head = (await readFile(path.join(tree, file), 'utf8')).slice(0, 4096);
    const shebang = /^#!\s*\/bin\/(busybox\s+)?(ba)?sh\b/.test(head);
    const directive = /^#\s*shellcheck\s+shell=/m.test(head);
    const sourced = /^lib\/emb\/.*\.sh$/.test(file) || /^lib\/emb\/udhcpc/.test(file) || file === 'etc/profile';
    if (shebang || directive || sourced) found.push({ file, namesShell: shebang || directive });
  }
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

/** The packages' own rootfiles trees (packages/<name>/rootfiles), absolute. */
export async function packageRootfilesTrees(): Promise<string[]> {
  const packages = path.join(projectRoot, 'packages');
  const names = (await readdir(packages, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  return names
    .map((name) => path.join(packages, name, 'rootfiles'))
    .filter((tree) => existsSync(tree))
    .sort();
}

/** shellcheck's findings, one gcc-style line each ('' when clean). */
async function shellcheck(cwd: string, args: string[], files: string[]): Promise<string> {
  if (files.length === 0) return '';
  const result = await execa('shellcheck', ['--format=gcc', '--external-sources', ...args, ...files], {
    cwd,
    reject: false,
    timeout: 120_000,
  });
  if (result.exitCode !== 0 && result.stdout.trim() === '') throw new Error(`shellcheck failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** shellcheck's findings on one rootfiles tree; sourced paths (/lib/emb/…) are looked up in `imageTrees`. */
async function treeFindings(tree: string, files: { file: string; namesShell: boolean }[], imageTrees: string[]): Promise<string[]> {
  // Sourced paths are the image's (/lib/emb/…): each tree stands for /.
  const sourcePath = ['--source-path=SCRIPTDIR', ...imageTrees.map((dir) => `--source-path=${dir}`)];
  return [
    await shellcheck(
      tree,
      sourcePath,
      files.filter((entry) => entry.namesShell).map((entry) => entry.file),
    ),
    // A file that is only sourced names no shell: busybox ash runs it, checked as sh.
    await shellcheck(
      tree,
      [...sourcePath, '--shell=sh'],
      files.filter((entry) => !entry.namesShell).map((entry) => entry.file),
    ),
  ].filter((text) => text !== '');
}

test('rootfiles: every shell file passes shellcheck', async (t) => {
  if (!(await findOnPath('shellcheck'))) return skipOrFail(t, 'shellcheck is not installed (apt-get install shellcheck)');
  const files = await rootfilesShellFiles();
  assert.ok(
    files.some((entry) => entry.file === 'init') && files.some((entry) => entry.file === 'lib/emb/cmdline.sh'),
    files.map((entry) => entry.file).join(' '),
  );
  const findings = await treeFindings(rootfiles, files, [rootfiles]);
  if (findings.length > 0) assert.fail(`shellcheck findings in rootfiles/:\n${findings.join('\n')}`);
});

// A package's overlay lands on top of rootfiles/ in the image: its scripts source
// files from both (nvidia-open's services source /lib/emb/services.sh).
test("packages' rootfiles: every shell file passes shellcheck", async (t) => {
  if (!(await findOnPath('shellcheck'))) return skipOrFail(t, 'shellcheck is not installed (apt-get install shellcheck)');
  const trees = await packageRootfilesTrees();
  const nvidia = path.join(projectRoot, 'packages/nvidia-open/rootfiles');
  assert.ok(trees.includes(nvidia), trees.join(' '));
  const findings: string[] = [];
  for (const tree of trees) {
    const files = await rootfilesShellFiles(tree);
    if (tree === nvidia) {
      assert.deepEqual(
        files.map((entry) => entry.file),
        [
          'etc/sv/nvidia-metrics/log/run',
          'etc/sv/nvidia-metrics/run',
          'etc/sv/nvidia/log/run',
          'etc/sv/nvidia/run',
          'lib/emb/nvidia-load.sh',
          'lib/emb/nvidia-metrics.sh',
        ],
      );
    }
    for (const text of await treeFindings(tree, files, [tree, rootfiles])) findings.push(text);
  }
  if (findings.length > 0) assert.fail(`shellcheck findings in packages/*/rootfiles:\n${findings.join('\n')}`);
});

test('scripts/*.sh and .ci/run pass shellcheck', async (t) => {
  if (!(await findOnPath('shellcheck'))) return skipOrFail(t, 'shellcheck is not installed (apt-get install shellcheck)');
  const scripts = (await readdir(path.join(projectRoot, 'scripts')))
    .filter((name) => name.endsWith('.sh'))
    .map((name) => path.join('scripts', name));
  assert.ok(scripts.includes('scripts/setup.sh'), scripts.join(' '));
  const findings = await shellcheck(projectRoot, ['--source-path=SCRIPTDIR'], [...scripts.sort(), '.ci/run']);
  if (findings !== '') assert.fail(`shellcheck findings:\n${findings}`);
});
