/**
 * The node's table of known kernel arguments (/lib/emb/known-args.sh) is generated from
 * the zod table in src/cmdline/known-args.ts: adding a key there is all it takes for the
 * busybox sh parser to know it. The shell runs under the host's busybox
 * (toolchain/packages/test.list), on the parser's real files.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { z } from 'zod';
import { generatedLayer } from '../../src/assemble/generated-layer.ts';
import { knownArgsShell, knownArgsShellPath } from '../../src/cmdline/known-args-shell.ts';
import { bootargsVariable, knownArgSchemas, knownKeys, secretKeys } from '../../src/cmdline/known-args.ts';
import { projectRoot } from '../../src/paths.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { hostBusybox, shellDump, shellLibrary, shellLibraryWith } from '../fixtures/cmdline/shell-parser.ts';

const table = knownArgsShell();

/** The shell parser's dump of `line` with the given parser files, as text. */
async function dump(line: string, library: readonly string[]): Promise<string> {
  return (await shellDump(hostBusybox, line, {}, library)).toString('latin1');
}

test('the table names every key of the zod table, in its order, with its bootargs variable', () => {
  assert.equal(/^emb_cl_keys='(.*)'$/m.exec(table)?.[1], Object.keys(knownArgSchemas).join(' '));
  for (const key of knownKeys) {
    assert.match(
      table,
      new RegExp(`^    ${key.replaceAll('.', '\\.')}\\) emb_cl_n=.* emb_cl_name=${bootargsVariable(key)} ;;$`, 'm'),
      `emb_cl_recall knows ${key}`,
    );
    for (const fn of ['emb_cl_remember', 'emb_cl_accept']) {
      const body = new RegExp(`^${fn}\\(\\) \\{\\n([\\s\\S]*?)\\n\\}$`, 'm').exec(table)?.[1] ?? '';
      assert.match(body, new RegExp(`^    ${key.replaceAll('.', '\\.')}\\) `, 'm'), `${fn} knows ${key}`);
    }
  }
  const secretBody = /^emb_cl_is_secret\(\) \{\n([\s\S]*?)\n\}$/m.exec(table)?.[1] ?? '';
  assert.deepEqual(
    [...secretBody.matchAll(/^ {4}(\S+)\) return 0 ;;$/gm)].map((match) => match[1]),
    knownKeys.filter((key) => secretKeys.has(key)),
  );
});

test('the image carries the table where the parser sources it', async () => {
  const { board } = await loadBoard('qemu-aarch64');
  const layer = generatedLayer(board, { kver: '6.1.0-test', moduleLoadOrder: [], optionalModules: '', embVersion: '0.0.0' });
  const entry = layer.entries.find((candidate) => candidate.path === knownArgsShellPath);
  assert.ok(entry && entry.type === 'file', `${knownArgsShellPath} is in the generated layer`);
  assert.ok(Buffer.isBuffer(entry.data));
  assert.equal(entry.data.toString(), table);
  assert.equal(entry.mode, 0o644);
});

test('a key added to the zod table is known to the shell parser, with nothing else changed', async () => {
  const line = 'uebo.hostname=node-1 uebo.extra.key=some-value uebo.other=x';
  // The image's table: the new key is a typo like any other.
  assert.equal(await dump(line, shellLibrary), "uebo_hostname='node-1'\nwarn unknown 'uebo.extra.key'\nwarn unknown 'uebo.other'\n");
  // One more row in the zod table: the key is accepted, reported in the table's order and written to bootargs.
  const extended = { ...knownArgSchemas, 'uebo.extra.key': z.string() };
  assert.equal(
    await dump(line, shellLibraryWith(knownArgsShell(extended))),
    "uebo_hostname='node-1'\nuebo_extra_key='some-value'\nwarn unknown 'uebo.other'\n",
  );
  // Given twice, and a secret: the per-key state and the secret warning come from the table too.
  const secret = knownArgsShell(extended, new Set([...secretKeys, 'uebo.extra.key']));
  assert.equal(
    await dump('uebo.extra.key=a uebo.extra.key=b', shellLibraryWith(secret)),
    "uebo_extra_key='b'\nwarn duplicate 'uebo.extra.key'\nwarn secret 'uebo.extra.key'\n",
  );
});

test('a key the shell could misread is refused when the table is made', () => {
  for (const key of ['uebo.x;reboot', 'uebo.a*', 'uebo.$(id)', 'nodot', 'uebo..x', 'Uebo.x', "uebo.x'y"]) {
    assert.throws(() => knownArgsShell({ ...knownArgSchemas, [key]: z.string() }), /a key is lower-case letters, digits and '_'/, key);
  }
});

test('without the table (an image that lacks it) the parser still runs, knows no key and says why', async () => {
  assert.equal(existsSync(knownArgsShellPath), false, `this host has ${knownArgsShellPath}: the case cannot be shown here`);
  const script = '. "$1"; . "$2"; emb_cmdline_quiet=1; emb_cmdline_parse "uebo.hostname=n1 quiet"; emb_cmdline_dump';
  const files = ['cmdline-values.sh', 'cmdline.sh'].map((name) => join(projectRoot, 'rootfiles/lib/emb', name));
  const result = await execa(hostBusybox[0], [...hostBusybox.slice(1), '-c', script, 'sh', ...files], { reject: false });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.equal(result.stdout, "warn unknown 'uebo.hostname'\npass 'quiet'");
  assert.equal(result.stderr, `emb-cmdline: ${knownArgsShellPath} is missing: no kernel argument is known`);
});
