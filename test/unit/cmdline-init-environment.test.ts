/** What reaches init from the kernel command line, and the limits past which the kernel panics (init/main.c). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initInputs, initWarnings, maxInitArgs, maxInitEnvNames } from '../../src/cmdline/init-environment.ts';
import { runCmdline } from '../../src/commands/cmdline.ts';

const envWords = (count: number): string => Array.from({ length: count }, (_, index) => `V${index}=x`).join(' ');
const bareWords = (count: number): string => Array.from({ length: count }, (_, index) => `flag${index}`).join(' ');

const inputRows: { in: string; environment: string[]; arguments: string[] }[] = [
  { in: 'console=ttyAMA0 panic=-1 uebo.hostname=n1 FOO=1 single', environment: ['FOO'], arguments: ['single'] },
  { in: 'FOO=1 FOO=2 HOME=/x TERM=vt100', environment: ['FOO'], arguments: [] },
  { in: 'BOOT_IMAGE=/vmlinuz kexec mod.param=1 net.ifnames=0', environment: [], arguments: [] },
  { in: 'a -- b=1 c', environment: [], arguments: ['a', 'b=1', 'c'] },
];

for (const row of inputRows) {
  test(`initInputs(${JSON.stringify(row.in)})`, () => {
    const got = initInputs(row.in);
    assert.deepEqual(got, { environment: row.environment, arguments: row.arguments }, `initInputs(${row.in}) = ${JSON.stringify(got)}`);
  });
}

const limitRows: { name: string; in: string; warns: boolean }[] = [
  { name: `${maxInitEnvNames} env names`, in: envWords(maxInitEnvNames), warns: false },
  { name: `${maxInitEnvNames + 1} env names`, in: envWords(maxInitEnvNames + 1), warns: true },
  { name: 'a name given twice counts once', in: `${envWords(maxInitEnvNames)} V0=again`, warns: false },
  { name: `${maxInitArgs} init args`, in: bareWords(maxInitArgs), warns: false },
  { name: `${maxInitArgs + 1} init args, some after --`, in: `${bareWords(maxInitArgs - 1)} -- x y`, warns: true },
  { name: 'module parameters never count', in: Array.from({ length: 60 }, (_, index) => `m.p${index}=1`).join(' '), warns: false },
];

for (const row of limitRows) {
  test(`init limit: ${row.name}`, () => {
    const got = initWarnings(row.in).filter((warning) => warning.code === 'init-limit');
    assert.equal(got.length > 0, row.warns, `initWarnings(${row.name}) = ${JSON.stringify(got)}, want a warning: ${row.warns}`);
  });
}

test('the panic warning names the word the kernel panics at', () => {
  const [warning] = initWarnings(envWords(maxInitEnvNames + 2));
  assert.equal(warning?.key, `V${maxInitEnvNames}`);
  assert.match(warning?.message ?? '', /33 key=value words reach init's environment; the kernel takes 31 .*panics/);
});

const riskyRows: { in: string; keys: string[] }[] = [
  { in: 'LD_PRELOAD=/tmp/x.so', keys: ['LD_PRELOAD'] },
  {
    in: 'ENV=/tmp/rc BASH_ENV=/tmp/rc LD_LIBRARY_PATH=/tmp GLIBC_TUNABLES=x',
    keys: ['ENV', 'BASH_ENV', 'LD_LIBRARY_PATH', 'GLIBC_TUNABLES'],
  },
  { in: 'my.LD_PRELOAD=/x ENV -- LD_PRELOAD=/x FOO=1', keys: [] },
];

for (const row of riskyRows) {
  test(`environment warnings for ${JSON.stringify(row.in)}`, () => {
    const got = initWarnings(row.in)
      .filter((warning) => warning.code === 'environment')
      .map((warning) => warning.key);
    assert.deepEqual(got, row.keys, `initWarnings(${row.in}) keys = ${JSON.stringify(got)}, want ${JSON.stringify(row.keys)}`);
  });
}

test('emb cmdline reports both kinds after the parser warnings, and still exits 0', async () => {
  const report = await runCmdline({ cmdline: `uebo.boinc.password=pw LD_PRELOAD=/x.so ${envWords(maxInitEnvNames)}` });
  assert.deepEqual(
    report.warnings.map((warning) => warning.code),
    ['secret', 'init-limit', 'environment'],
  );
});
