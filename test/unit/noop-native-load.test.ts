/**
 * bin/emb.js loads emb's TypeScript natively on a Node that strips types (22.18+):
 * tsx's loader was most of a no-op build's time. The observable is the set of modules a
 * run resolves, recorded by a resolve hook the test preloads (module.registerHooks):
 * nothing under node_modules/tsx/ where Node strips types itself, tsx where it does not.
 * Board files that only tsx can run (an enum, a parameter property) still load, and a
 * board with a syntax error is one line naming the file and the line, on both paths.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { hideTypeStrippingWarning, isTypeStrippingWarning } from '../../bin/native-typescript.js';
import { projectRoot } from '../../src/paths.ts';
import { loadFailureReason } from '../../src/plan/load-data-module.ts';
import { tempDir } from '../helpers/run-emb.ts';

const stripsTypes = Boolean(process.features.typescript);
const emb = path.join(projectRoot, 'bin', 'emb.js');

/** Preloaded by a run: every URL it resolves, one a line, into $EMB_PROBE_OUT at exit. */
const probe = `import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const seen = new Set();
registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); seen.add(result.url); return result; } });
process.on('exit', () => writeFileSync(process.env.EMB_PROBE_OUT, [...seen].join('\\n')));
`;

/** `node [nodeArgs] bin/emb.js args` as a user runs it (no NODE_OPTIONS, no tsx preloaded), with the modules it resolved. */
async function runWithProbe(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
  const dir = await tempDir('native-load');
  await writeFile(path.join(dir, 'probe.mjs'), probe);
  const out = path.join(dir, 'modules.txt');
  const result = await execa(process.execPath, [...nodeArgs, '--import', path.join(dir, 'probe.mjs'), emb, ...args], {
    cwd: projectRoot,
    env: { ...env, EMB_PROBE_OUT: out, NODE_OPTIONS: '' },
    reject: false,
    timeout: 120_000,
  });
  const modules = (await readFile(out, 'utf8')).split('\n');
  return { result, modules, tsx: modules.filter((url) => url.includes('/node_modules/tsx/')) };
}

const loaded = (modules: string[], file: string): boolean => modules.includes(`file://${path.join(projectRoot, file)}`);

test('a run loads the CLI, a board and every recipe natively where Node strips types, through tsx where not', async () => {
  for (const args of [['cmdline', '--board', 'qemu-aarch64'], ['packages'], ['build', '--board', 'no-such-board']]) {
    const { result, modules, tsx } = await runWithProbe(args);
    assert.ok(loaded(modules, 'src/cli.ts'), `the probe saw emb load (${modules.length} modules)`);
    if (args[0] === 'build') {
      assert.equal(result.exitCode, 1);
      assert.ok(loaded(modules, 'src/pipeline/run-build.ts'), 'emb build loaded its pipeline');
    } else {
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stderr, '', 'no warning reaches stderr');
    }
    if (args[0] === 'cmdline') assert.ok(loaded(modules, 'boards/qemu-aarch64.ts'));
    if (args[0] === 'packages') assert.ok(loaded(modules, 'packages/busybox/recipe.ts'));
    if (stripsTypes) assert.deepEqual(tsx, [], `emb ${args.join(' ')} on ${process.version} loaded tsx`);
    else assert.notDeepEqual(tsx, [], `emb ${args.join(' ')} on ${process.version} needs tsx`);
  }
});

test('only the command a run names is loaded; help loads them all', async () => {
  const { modules } = await runWithProbe(['cmdline', '--board', 'qemu-aarch64']);
  assert.ok(loaded(modules, 'src/commands/cmdline.ts'));
  assert.ok(!loaded(modules, 'src/commands/serve.ts'), 'emb cmdline does not load serve');
  const help = await runWithProbe(['--help']);
  assert.equal(help.result.exitCode, 0);
  for (const command of ['build', 'qemu', 'serve', 'pxe', 'toolchain']) {
    assert.ok(loaded(help.modules, `src/commands/${command}.ts`), command);
    assert.match(help.result.stdout, new RegExp(`^  ${command} `, 'm'));
  }
  const typo = await runWithProbe(['buidl']);
  assert.equal(typo.result.exitCode, 1);
  assert.match(typo.result.stderr, /^emb: unknown command 'buidl' \(Did you mean build\?\)$/m);
});

const good = {
  description: 'a board made by the noop-native-load test',
  kernel: { provider: 'debian', package: 'linux-image-arm64', image: '/boot/vmlinuz-{kver}' },
  bootloader: { kind: 'qemu', from: 'a test', maxInitrdMiB: 64 },
  console: 'ttyAMA0',
  packages: ['busybox'],
};

async function boardsDir(): Promise<string> {
  const dir = await tempDir('native-load-boards');
  await writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n');
  const board = (name: string, fields: string) =>
    `export default { ...${JSON.stringify(good)}, name: '${name}', cmdline: 'emb.test=${name}', ${fields} };\n`;
  // An enum and a parameter property: TypeScript Node cannot strip, which tsx runs.
  await writeFile(
    path.join(dir, 'only-tsx.ts'),
    `enum Arch { Arm64 = 'aarch64' }\nclass Ram {\n  constructor(readonly mib: number) {}\n}\n${board('only-tsx', 'arch: Arch.Arm64, ramMiB: new Ram(512).mib')}`,
  );
  await writeFile(path.join(dir, 'syntax-error.ts'), `${board('syntax-error', "arch: 'aarch64', ramMiB: 512").slice(0, -3)};\n`);
  await mkdir(path.join(dir, 'lib'));
  await writeFile(path.join(dir, 'lib', 'broken.ts'), "export const arch = {\n  name: 'aarch64';\n};\n");
  await writeFile(
    path.join(dir, 'broken-import.ts'),
    `import { arch } from './lib/broken.ts';\n${board('broken-import', 'arch: arch.name, ramMiB: 512')}`,
  );
  return dir;
}

// The tsx path is what a Node without type stripping (22.15–22.17) takes.
const paths = stripsTypes ? { native: [], tsx: ['--no-experimental-strip-types'] } : { tsx: [] };

for (const [loader, nodeArgs] of Object.entries(paths)) {
  test(`${loader}: a board only tsx can run still loads; a syntax error is one line naming the file and the line`, async () => {
    const env = { EMB_BOARDS_DIR: await boardsDir() };
    const ok = await runWithProbe(['cmdline', '--board', 'only-tsx'], env, nodeArgs);
    assert.equal(ok.result.exitCode, 0, ok.result.stderr);
    assert.equal(ok.result.stderr, '');
    assert.equal(JSON.parse(ok.result.stdout).cmdline, 'emb.test=only-tsx');

    const broken = await runWithProbe(['cmdline', '--board', 'syntax-error'], env, nodeArgs);
    assert.equal(broken.result.exitCode, 1);
    assert.match(
      broken.result.stderr,
      /^emb: \S+\/syntax-error\.ts: cannot be loaded: \S+\/syntax-error\.ts:1(:\d+)?: [^\n]+ \(fix the board file so that it compiles\)$/,
    );
    if (loader === 'native') assert.deepEqual(broken.tsx, [], 'a syntax error is reported without loading tsx');

    const nested = await runWithProbe(['cmdline', '--board', 'broken-import'], env, nodeArgs);
    assert.equal(nested.result.exitCode, 1);
    assert.match(
      nested.result.stderr,
      /^emb: \S+\/broken-import\.ts: cannot be loaded: \S+\/lib\/broken\.ts:2(:\d+)?: [^\n]+ \(fix the board/,
    );
    assert.doesNotMatch(nested.result.stderr, /\n./, 'one line');
  });
}

test("Node's type-stripping ExperimentalWarning is kept off stderr, every other warning is not", () => {
  const emitted: unknown[] = [];
  const target = { emit: (_event: string | symbol, ...args: unknown[]) => emitted.push(args[0]) > 0 };
  hideTypeStrippingWarning(target);
  const warning = (name: string, message: string) => Object.assign(new Error(message), { name });
  const stripping = warning('ExperimentalWarning', 'Type Stripping is an experimental feature and might change at any time');
  const other = warning('ExperimentalWarning', 'VM Modules is an experimental feature');
  assert.ok(isTypeStrippingWarning(stripping));
  assert.ok(!isTypeStrippingWarning(warning('DeprecationWarning', 'type stripping')));
  assert.equal(target.emit('warning', stripping), false);
  target.emit('warning', other);
  target.emit('exit', 0);
  assert.deepEqual(emitted, [other, 0]);
});

test('a load failure is one line with the place, from each parser that reports it', () => {
  const syntax = (message: string, stack: string) =>
    Object.assign(new SyntaxError(message), { code: 'ERR_INVALID_TYPESCRIPT_SYNTAX', stack });
  const board = path.join(projectRoot, 'boards', 'x.ts');
  const rows: { error: unknown; want: string }[] = [
    // Node 22.18+: the file and line head the stack.
    {
      error: syntax(
        "Expected ',', got ';'",
        `file://${board}:3\nexport default { a: 1 ;\n   ^\n\nSyntaxError [ERR_INVALID_TYPESCRIPT_SYNTAX]: Expected ',', got ';'\n    at parseTypeScript`,
      ),
      want: "boards/x.ts:3: Expected ',', got ';'",
    },
    // tsx (esbuild).
    {
      error: new Error(`Transform failed with 1 error:\n${board}:1:22: ERROR: Expected "}" but found ";"`),
      want: 'boards/x.ts:1:22: Expected "}" but found ";"',
    },
    { error: new Error('boom\n    at somewhere'), want: 'boom' },
    { error: 'a string', want: 'a string' },
  ];
  for (const { error, want } of rows) assert.equal(loadFailureReason(error), want, `loadFailureReason(${String(error)})`);
});
