/** The judgement of a command line: known keys typed, warnings, pass-through, init words. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootargsLines, shellQuote } from '../../src/cmdline/bootargs.ts';
import { knownValueProblem, parseCmdline } from '../../src/cmdline/parse-cmdline.ts';
import { suggestedKey } from '../../src/cmdline/suggest-key.ts';
import type { KnownKey } from '../../src/cmdline/known-args.ts';

/** A judgement as compact text: accepted values, then warning codes, then pass-through and init words. */
function shown(text: string): string {
  const parsed = parseCmdline(text);
  return [
    Object.entries(parsed.accepted)
      .map(([key, value]) => `${key}=${value}`)
      .join(' '),
    parsed.warnings.map((warning) => `${warning.code}:${warning.key}`).join(' '),
    parsed.passthrough.join(' '),
    parsed.initArgs.join(' '),
  ].join(' | ');
}

const rows: { in: string; want: string }[] = [
  { in: 'console=ttyAMA0 uebo.hostname=node-17 quiet', want: 'uebo.hostname=node-17 |  | console=ttyAMA0 quiet | ' },
  { in: 'uebo.hostname=a uebo.hostname=b', want: 'uebo.hostname=b | duplicate:uebo.hostname |  | ' },
  // The last one counts even when it is the invalid one: the node then keeps its default.
  { in: 'uebo.hostname=good uebo.hostname=-bad', want: ' | duplicate:uebo.hostname invalid:uebo.hostname |  | ' },
  { in: 'uebo.hostname', want: ' | invalid:uebo.hostname |  | ' },
  { in: 'uebo.hostname=', want: ' | invalid:uebo.hostname |  | ' },
  { in: "uebo.hostname='$(reboot)'", want: ' | invalid:uebo.hostname |  | ' },
  { in: 'uebo.consul="x;poweroff"', want: ' | invalid:uebo.consul |  | ' },
  { in: 'uebo.boinc.password="`id`"', want: 'uebo.boinc.password=`id` | secret:uebo.boinc.password |  | ' },
  { in: 'uebo.boinc.password="a b"', want: ' | secret:uebo.boinc.password invalid:uebo.boinc.password |  | ' },
  { in: 'uebo.hostnme=x bee.gpu=1 uebo=1 ueboo.x=1', want: ' | unknown:uebo.hostnme unknown:bee.gpu | uebo=1 ueboo.x=1 | ' },
  { in: 'UEBO.hostname=x', want: ' |  | UEBO.hostname=x | ' },
  { in: 'a -- uebo.hostname=x "b c"', want: ' |  | a | uebo.hostname=x b c' },
  { in: 'a -- b -- c', want: ' | ignored:-- | a | b' },
  { in: 'bee.nvidia.mode=gsp-off uebo.consul=c.lan:8500', want: 'uebo.consul=c.lan:8500 bee.nvidia.mode=gsp-off |  |  | ' },
  { in: '"uebo.hostname=node-17"', want: 'uebo.hostname=node-17 |  |  | ' },
  { in: 'uebo.hostname="node-17', want: 'uebo.hostname=node-17 |  |  | ' },
];

for (const row of rows) {
  test(`parseCmdline(${JSON.stringify(row.in)})`, () => {
    const got = shown(row.in);
    assert.equal(got, row.want, `parse(${JSON.stringify(row.in)}) = ${JSON.stringify(got)}, want ${JSON.stringify(row.want)}`);
  });
}

const valueRows: { key: KnownKey; in: string; valid: boolean }[] = [
  { key: 'uebo.hostname', in: 'node-17', valid: true },
  { key: 'uebo.hostname', in: 'node-17.cluster.lan', valid: true },
  { key: 'uebo.hostname', in: 'a'.repeat(64), valid: false },
  { key: 'uebo.hostname', in: `${'a'.repeat(30)}.${'b'.repeat(33)}`, valid: true },
  { key: 'uebo.hostname', in: 'node_17', valid: false },
  { key: 'uebo.hostname', in: 'a..b', valid: false },
  { key: 'uebo.hostname', in: 'a.-b', valid: false },
  { key: 'uebo.nfsdir', in: 'nas.lan:/export/nodes', valid: true },
  { key: 'uebo.nfsdir', in: '10.0.0.2:/srv', valid: true },
  { key: 'uebo.nfsdir', in: 'nas:export', valid: false },
  { key: 'uebo.nfsdir', in: 'nas:/a:b', valid: false },
  { key: 'uebo.nfsdir', in: ':/x', valid: false },
  { key: 'uebo.boinc.password', in: 'x'.repeat(255), valid: true },
  { key: 'uebo.boinc.password', in: 'x'.repeat(256), valid: false },
  { key: 'uebo.boinc.password', in: "it's$(x)`y`;|", valid: true },
  { key: 'uebo.boinc.password', in: 'café', valid: false },
  { key: 'uebo.boinc.remote_hosts', in: 'mgmt,10.0.0.1', valid: true },
  { key: 'uebo.boinc.remote_hosts', in: 'a,,b', valid: false },
  { key: 'uebo.boinc.remote_hosts', in: 'a,', valid: false },
  { key: 'uebo.consul', in: 'consul.lan:8500', valid: true },
  { key: 'uebo.consul', in: 'c:65535', valid: true },
  { key: 'uebo.consul', in: 'c:65536', valid: false },
  { key: 'uebo.consul', in: 'c:08500', valid: false },
  { key: 'uebo.consul', in: 'c:85:00', valid: false },
  { key: 'bee.nvidia.mode', in: 'off', valid: true },
  { key: 'bee.nvidia.mode', in: 'NORMAL', valid: false },
  { key: 'bee.nvidia.metrics_interval', in: '1', valid: true },
  { key: 'bee.nvidia.metrics_interval', in: '3600', valid: true },
  { key: 'bee.nvidia.metrics_interval', in: '3601', valid: false },
  { key: 'bee.nvidia.metrics_interval', in: '0', valid: false },
  { key: 'bee.nvidia.metrics_interval', in: '05', valid: false },
  { key: 'bee.nvidia.metrics_interval', in: '5s', valid: false },
  { key: 'bee.nvidia.metrics_interval', in: '2.5', valid: false },
  { key: 'uebo.storage.wait', in: '1', valid: true },
  { key: 'uebo.storage.wait', in: '600', valid: true },
  { key: 'uebo.storage.wait', in: '601', valid: false },
  { key: 'uebo.storage.wait', in: '0', valid: false },
  { key: 'uebo.storage.wait', in: '010', valid: false },
  { key: 'uebo.storage.wait', in: '5s', valid: false },
];

for (const row of valueRows) {
  test(`knownValueProblem(${row.key}, ${JSON.stringify(row.in)})`, () => {
    const problem = knownValueProblem(row.key, row.in);
    assert.equal(
      problem === undefined,
      row.valid,
      `valid(${row.key}=${JSON.stringify(row.in)}) = ${problem === undefined}${problem ? ` (${problem})` : ''}, want ${row.valid}`,
    );
  });
}

test("an invalid value's warning names the key and what is wrong", () => {
  const [warning] = parseCmdline('uebo.consul=c:99999').warnings;
  assert.deepEqual(warning, {
    code: 'invalid',
    key: 'uebo.consul',
    message: 'the port must be 1-65535; dropped at boot (the node boots without it)',
  });
});

test('known values are typed by the schema', () => {
  const { known } = parseCmdline(
    'uebo.consul=c.lan:8500 uebo.boinc.remote_hosts=a,b uebo.nfsdir=nas:/x bee.nvidia.mode=off bee.nvidia.metrics_interval=15',
  );
  assert.deepEqual(known, {
    'uebo.nfsdir': { server: 'nas', path: '/x' },
    'uebo.boinc.remote_hosts': ['a', 'b'],
    'uebo.consul': { host: 'c.lan', port: 8500 },
    'bee.nvidia.mode': 'off',
    'bee.nvidia.metrics_interval': 15,
  });
});

test("an invalid metrics interval's warning says what is allowed", () => {
  assert.deepEqual(parseCmdline('bee.nvidia.metrics_interval=0').warnings, [
    {
      code: 'invalid',
      key: 'bee.nvidia.metrics_interval',
      message: 'must be whole seconds from 1 to 3600, e.g. 5; dropped at boot (the node boots without it)',
    },
  ]);
});

test('a word the kernel splits inside a UTF-8 character decodes with U+FFFD', () => {
  // "à" is C3 A0, and A0 is a kernel space: the value is C3 alone, the rest a second word.
  assert.deepEqual(parseCmdline('x=là').passthrough, ['x=l\ufffd']);
});

test('suggestedKey names the known key a typo meant', () => {
  assert.equal(suggestedKey('uebo.boinc.remote-hosts'), 'uebo.boinc.remote_hosts');
  assert.equal(suggestedKey('uebo.hostnme'), 'uebo.hostname');
  assert.equal(suggestedKey('uebo.something'), undefined);
});

test('bootargs lines are sh assignments with single-quoted values', () => {
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(
    bootargsLines(parseCmdline("uebo.hostname=n1 uebo.boinc.password=it's")),
    "uebo_hostname='n1'\nuebo_boinc_password='it'\\''s'\n",
  );
});
