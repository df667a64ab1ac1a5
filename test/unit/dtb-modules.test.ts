/**
 * Modules chosen from a device tree against a synthetic module index: the "of:" alias
 * patterns modpost writes (with and without the trailing "C*"), device_type, exact and
 * name-only aliases, built-in matches, the deny list, and an order that does not depend
 * on the order of nodes in the file.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDtb } from '../../src/dtb/index.ts';
import { EmbError } from '../../src/errors.ts';
import {
  consoleNodeDrivers,
  deviceTreeModules,
  formatDeviceTreeModules,
  type DeviceTreeModuleReason,
} from '../../src/kernel/modules/device-tree-modules.ts';
import { moduleIndexOf, type ModuleRecord } from '../../src/kernel/modules/index.ts';
import { type DtbSpec, writeDtb } from './dtb-writer.ts';

/** The two aliases modpost writes for one of_device_id with only a compatible. */
const ofAliases = (compatible: string): string[] => [`of:N*T*C${compatible}`, `of:N*T*C${compatible}C*`];

function record(name: string, aliases: string[]): ModuleRecord {
  return {
    name,
    relPath: `kernel/${name}.ko`,
    size: 1000,
    info: { depends: [], softdepPre: [], softdepPost: [], firmware: [], aliases },
  };
}

const index = moduleIndexOf(
  '/lib/modules/test',
  [
    record('dwmac_sun8i', [...ofAliases('allwinner,sun8i-h3-emac'), ...ofAliases('allwinner,sun50i-a64-emac')]),
    record('sunxi_mmc', ofAliases('allwinner,sun50i-a64-mmc')),
    record('lima', ofAliases('arm,mali-400')),
    record('panfrost', ofAliases('arm,mali-t860')),
    record('snd_soc_simple_card', ofAliases('simple-audio-card')),
    record('ipmi_si', ['of:N*Tipmi*Cipmi-kcs', 'of:N*Tipmi*Cipmi-kcsC*']),
    record('not_ipmi', ['of:N*Tserial*Cipmi-kcs']),
    record('foo_drv', ['of:NfooT*']),
    record('bar_exact', ['of:NbarT(null)Cvendor,bar']),
    record('c_inside', ofAliases('ti,C6x-dsp')),
    record('board_drv', ofAliases('pine64,sopine-baseboard')),
    record('pci_thing', ['pci:v00001AF4d*sv*']),
  ],
  {
    names: ['8250_dw', 'simple_pm_bus'],
    aliases: [...ofAliases('snps,dw-apb-uart').map((a) => [a, '8250_dw'] as [string, string]), ['of:N*T*Csimple-bus', 'simple_pm_bus']],
  },
);

const socChildren: DtbSpec[] = [
  { name: 'ethernet@1c30000', props: { compatible: ['allwinner,sun50i-a64-emac', 'allwinner,sun8i-h3-emac'] } },
  { name: 'ethernet@1c50000', props: { compatible: 'allwinner,sun8i-h3-emac' } },
  { name: 'mmc@1c0f000', props: { compatible: 'allwinner,sun50i-a64-mmc', status: 'okay' } },
  { name: 'mmc@1c10000', props: { compatible: 'allwinner,sun50i-a64-mmc', status: 'disabled' } },
  { name: 'gpu@1c40000', props: { compatible: ['allwinner,sun50i-a64-mali', 'arm,mali-400'] } },
  { name: 'serial@1c28000', props: { compatible: 'snps,dw-apb-uart' } },
  { name: 'off-bus', props: { status: 'disabled' }, children: [{ name: 'gpu@0', props: { compatible: 'arm,mali-t860' } }] },
  { name: 'dsp@0', props: { compatible: ['ti,C6x-dsp', 'ti,dsp'] } },
];
const topChildren: DtbSpec[] = [
  { name: 'aliases', props: { serial0: '/soc/serial@1c28000' } },
  { name: 'chosen', props: { 'stdout-path': 'serial0:115200n8' } },
  { name: 'soc', props: { compatible: 'simple-bus' }, children: socChildren },
  { name: 'sound', props: { compatible: 'simple-audio-card' } },
  { name: 'bmc@1', props: { compatible: 'ipmi-kcs', device_type: 'ipmi' } },
  { name: 'foo@2', props: { compatible: 'vendor,foo' } },
  { name: 'bar', props: { compatible: 'vendor,bar' } },
  { name: 'pci-ish', props: { compatible: 'pci1af4,1000' } },
];
const board = (children: DtbSpec[]): ReturnType<typeof parseDtb> =>
  parseDtb(writeDtb({ name: '', props: { compatible: ['pine64,sopine-baseboard', 'allwinner,sun50i-a64'] }, children }), 'sopine.dtb');
const tree = board(topChildren);

const reason = (module: string, node: string, compatible: string): DeviceTreeModuleReason => ({ module, node, compatible });

describe('deviceTreeModules', () => {
  test('chosen, denied and built in, each module once, by node path', () => {
    assert.deepEqual(deviceTreeModules(tree, index, ['snd-*', 'nothing_like_this']), {
      chosen: [
        reason('bar_exact', '/bar', 'vendor,bar'),
        reason('ipmi_si', '/bmc@1', 'ipmi-kcs'),
        reason('foo_drv', '/foo@2', 'vendor,foo'),
        reason('c_inside', '/soc/dsp@0', 'ti,C6x-dsp'),
        reason('dwmac_sun8i', '/soc/ethernet@1c30000', 'allwinner,sun50i-a64-emac'),
        reason('lima', '/soc/gpu@1c40000', 'arm,mali-400'),
        reason('sunxi_mmc', '/soc/mmc@1c0f000', 'allwinner,sun50i-a64-mmc'),
      ],
      denied: [reason('snd_soc_simple_card', '/sound', 'simple-audio-card')],
      builtin: [reason('simple_pm_bus', '/soc', 'simple-bus'), reason('8250_dw', '/soc/serial@1c28000', 'snps,dw-apb-uart')],
    });
  });

  test('without a deny list the denied module is chosen', () => {
    const { chosen, denied } = deviceTreeModules(tree, index);
    assert.deepEqual(denied, []);
    assert.ok(chosen.some((r) => r.module === 'snd_soc_simple_card'));
  });

  test('a deny glob matches canonical names', () => {
    const { chosen, denied } = deviceTreeModules(tree, index, ['dwmac-*', 'l?ma']);
    assert.deepEqual(
      denied.map((r) => r.module),
      ['dwmac_sun8i', 'lima'],
    );
    assert.ok(!chosen.some((r) => r.module === 'dwmac_sun8i' || r.module === 'lima'));
  });

  test('the order of nodes in the file does not change the result', () => {
    const shuffled = board([
      ...topChildren
        .slice()
        .reverse()
        .map((c) => (c.name === 'soc' ? { ...c, children: socChildren.slice().reverse() } : c)),
    ]);
    assert.deepEqual(deviceTreeModules(shuffled, index, ['snd_*']), deviceTreeModules(tree, index, ['snd_*']));
  });

  test('the root (the machine) and disabled nodes choose nothing', () => {
    const all = deviceTreeModules(tree, index);
    const modules = [...all.chosen, ...all.denied, ...all.builtin].map((r) => r.module);
    assert.ok(!modules.includes('board_drv'));
    assert.ok(!modules.includes('panfrost'));
    assert.ok(!modules.includes('not_ipmi'));
    assert.ok(!modules.includes('pci_thing'));
  });

  test('formatDeviceTreeModules: node → compatible → module', () => {
    const lines = formatDeviceTreeModules(deviceTreeModules(board(topChildren.slice(2, 4)), index, ['snd_*']));
    assert.deepEqual(lines, [
      '/soc/dsp@0 → ti,C6x-dsp → c_inside',
      '/soc/ethernet@1c30000 → allwinner,sun50i-a64-emac → dwmac_sun8i',
      '/soc/gpu@1c40000 → arm,mali-400 → lima',
      '/soc/mmc@1c0f000 → allwinner,sun50i-a64-mmc → sunxi_mmc',
      '/soc → simple-bus → simple_pm_bus (built in)',
      '/soc/serial@1c28000 → snps,dw-apb-uart → 8250_dw (built in)',
      '/sound → simple-audio-card → snd_soc_simple_card (denied)',
    ]);
  });
});

describe('consoleNodeDrivers', () => {
  test('the stdout-path node, its compatibles and drivers', () => {
    assert.deepEqual(consoleNodeDrivers(tree, index), {
      stdoutPath: 'serial0:115200n8',
      node: '/soc/serial@1c28000',
      compatibles: ['snps,dw-apb-uart'],
      builtin: ['8250_dw'],
      loadable: [],
    });
  });

  test('no stdout-path: undefined', () => {
    assert.equal(consoleNodeDrivers(board(topChildren.slice(2)), index), undefined);
  });

  test('a stdout-path naming no node is an EmbError naming the file', () => {
    const broken = board([{ name: 'chosen', props: { 'stdout-path': 'serial3:115200n8' } }]);
    assert.throws(
      () => consoleNodeDrivers(broken, index),
      (error: unknown) => error instanceof EmbError && error.message === 'sopine.dtb: /chosen stdout-path "serial3:115200n8" names no node',
    );
  });
});
