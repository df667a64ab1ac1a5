/**
 * The dnsmasq config emb writes for a PXE tree: its option lines, the values it refuses
 * (so no value can add a line of its own), and that the real dnsmasq accepts every
 * config it writes (dnsmasq --test). The network lookup that feeds emb serve's config.
 * What dnsmasq then answers to each kind of client is checked in test/e2e/serve.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { EmbError } from '../../src/errors.ts';
import { findOnPath } from '../../src/host/host-tools.ts';
import { type DnsmasqOptions, dnsmasqConfig } from '../../src/pxe/dnsmasq-config.ts';
import { networkBase, serveNetwork } from '../../src/serve/interface-network.ts';
import { tempDir } from '../helpers/run-emb.ts';
import { skipOrFail } from '../helpers/skip-or-fail.ts';

/** The option lines, without comments and blank lines. */
function optionLines(config: string): string[] {
  return config.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

const full: DnsmasqOptions = {
  tree: '/srv/emb-tree',
  subnet: '10.0.0.0',
  interface: 'eth0',
  serverAddress: '10.0.0.2',
  httpUrl: 'http://10.0.0.2:8080/',
};

test('the config: proxy DHCP and TFTP for the tree, boot files by client', () => {
  assert.deepEqual(optionLines(dnsmasqConfig(full)), [
    'port=0',
    'no-resolv',
    'no-hosts',
    'pid-file=',
    'leasefile-ro',
    'interface=eth0',
    'bind-interfaces',
    'dhcp-range=10.0.0.0,proxy',
    'log-dhcp',
    'enable-tftp',
    'tftp-root=/srv/emb-tree',
    'dhcp-userclass=set:ipxe,iPXE',
    'dhcp-match=set:ipxe,175',
    'dhcp-match=set:uboot,option:client-arch,21',
    'dhcp-match=set:uboot,option:client-arch,22',
    'dhcp-boot=tag:ipxe,http://10.0.0.2:8080/boot.ipxe',
    'dhcp-pxe-vendor=PXEClient,U-Boot',
    'dhcp-boot=tag:uboot,boot.scr.uimg',
    'pxe-service=tag:!ipxe,x86PC,"Raspberry Pi Boot"',
  ]);
});

test("iPXE's boot file: over HTTP when there is a URL, else by TFTP from the server address when known", () => {
  const rows: { options: DnsmasqOptions; want: string }[] = [
    { options: full, want: 'dhcp-boot=tag:ipxe,http://10.0.0.2:8080/boot.ipxe' },
    { options: { ...full, httpUrl: 'http://10.0.0.2:8080/pxe' }, want: 'dhcp-boot=tag:ipxe,http://10.0.0.2:8080/pxe/boot.ipxe' },
    { options: { ...full, httpUrl: undefined }, want: 'dhcp-boot=tag:ipxe,boot.ipxe,,10.0.0.2' },
    { options: { tree: '/srv/t', subnet: '192.168.1.0' }, want: 'dhcp-boot=tag:ipxe,boot.ipxe' },
  ];
  for (const { options, want } of rows) {
    const lines = optionLines(dnsmasqConfig(options));
    assert.ok(lines.includes(want), `dnsmasqConfig(${JSON.stringify(options)}) has no line ${want}:\n${lines.join('\n')}`);
  }
});

test('without an interface it listens on all and binds none', () => {
  const lines = optionLines(dnsmasqConfig({ tree: '/srv/t', subnet: '192.168.1.0' }));
  assert.ok(!lines.some((line) => line.startsWith('interface=') || line === 'bind-interfaces'), lines.join('\n'));
});

test('values that could add or bend a config line are refused with the reason', () => {
  const rows: { change: Partial<DnsmasqOptions>; want: RegExp }[] = [
    { change: { subnet: '10.0.0' }, want: /subnet "10\.0\.0" is not an IPv4 address/ },
    { change: { subnet: '10.0.0.0\nport=53' }, want: /not an IPv4 address/ },
    { change: { subnet: '10.0.0.0,proxy\ndhcp-range=10.0.0.10' }, want: /not an IPv4 address/ },
    { change: { subnet: '256.0.0.0' }, want: /not an IPv4 address/ },
    { change: { subnet: 'fd00::' }, want: /not an IPv4 address/ },
    { change: { serverAddress: '10.0.0.2,eth0' }, want: /server address .* is not an IPv4 address/ },
    { change: { interface: 'eth0\nport=53' }, want: /is not an interface name/ },
    { change: { interface: 'eth0,lo' }, want: /is not an interface name/ },
    { change: { interface: 'eth*' }, want: /is not an interface name/ },
    { change: { interface: 'a-very-long-name0' }, want: /is not an interface name/ },
    { change: { interface: '' }, want: /is not an interface name/ },
    { change: { tree: '/srv/tree,eth0' }, want: /has ",", which a dnsmasq config line cannot hold/ },
    { change: { tree: '/srv/tree\nport=53' }, want: /has "\\n"/ },
    { change: { tree: '/srv/tree\rport=53' }, want: /has "\\r"/ },
    { change: { tree: '/srv/my tree' }, want: /has " "/ },
    { change: { tree: '/srv/"tree"' }, want: /has "\\""/ },
    { change: { tree: '/srv/a #b' }, want: /has " "/ },
    { change: { tree: '/srv/a\\b' }, want: /has "\\\\"/ },
    { change: { httpUrl: 'not a url' }, want: /is not a URL/ },
    { change: { httpUrl: 'ftp://10.0.0.2/' }, want: /must be plain http/ },
    { change: { httpUrl: 'http://user:secret@10.0.0.2/' }, want: /must be plain http/ },
    { change: { httpUrl: 'http://10.0.0.2/?a=b' }, want: /must be plain http/ },
    { change: { httpUrl: 'http://10.0.0.2/#x' }, want: /must be plain http/ },
    { change: { httpUrl: 'http://10.0.0.2/a,b/' }, want: /characters a dnsmasq config line cannot hold/ },
  ];
  for (const { change, want } of rows) {
    const options = { ...full, ...change };
    assert.throws(
      () => dnsmasqConfig(options),
      (error: unknown) => error instanceof EmbError && want.test(error.message) && !error.message.includes('\n'),
      `dnsmasqConfig(${JSON.stringify(change)}) should be refused with ${want}`,
    );
  }
});

test('a relative tree is a bug of the caller, not a user error', () => {
  assert.throws(
    () => dnsmasqConfig({ ...full, tree: 'tree' }),
    (error: unknown) => error instanceof Error && !(error instanceof EmbError) && /internal/.test(error.message),
  );
});

test('the real dnsmasq accepts every config emb writes (dnsmasq --test)', async (t) => {
  if ((await findOnPath('dnsmasq')) === undefined) return skipOrFail(t, 'no dnsmasq (apt-get install dnsmasq-base)');
  const dir = await tempDir('dnsmasq-config');
  const configs: Record<string, string> = {
    full: dnsmasqConfig(full),
    tftp: dnsmasqConfig({ ...full, httpUrl: undefined }),
    minimal: dnsmasqConfig({ tree: '/srv/t', subnet: '192.168.1.0' }),
    // The check is not vacuous: a line dnsmasq does not know fails it.
    broken: `${dnsmasqConfig(full)}no-such-option=1\n`,
  };
  for (const [name, text] of Object.entries(configs)) {
    const file = join(dir, `${name}.conf`);
    await writeFile(file, text);
    const result = await execa('dnsmasq', ['--test', `--conf-file=${file}`], { reject: false, all: true, timeout: 10_000 });
    if (name === 'broken') {
      assert.notEqual(result.exitCode, 0, 'a config with an unknown option fails dnsmasq --test');
      assert.match(String(result.all), /bad option/);
    } else {
      assert.equal(result.exitCode, 0, `dnsmasq --test of ${name}: ${result.all}`);
      assert.match(String(result.all), /syntax check OK/, `dnsmasq --test of ${name}`);
    }
  }
});

test('networkBase masks an address to its network', () => {
  const rows = [
    { address: '10.0.0.7', mask: '255.255.255.0', want: '10.0.0.0' },
    { address: '192.168.77.200', mask: '255.255.240.0', want: '192.168.64.0' },
    { address: '172.16.5.4', mask: '255.255.255.255', want: '172.16.5.4' },
    { address: '203.0.113.9', mask: '0.0.0.0', want: '0.0.0.0' },
  ];
  for (const { address, mask, want } of rows) assert.equal(networkBase(address, mask), want, `networkBase(${address}, ${mask})`);
});

test("serveNetwork picks the interface's network, the one asked for, or says what there is", () => {
  const info = (address: string, netmask: string, family: 'IPv4' | 'IPv6' = 'IPv4') => ({
    address,
    netmask,
    family,
    mac: '52:54:00:00:00:01',
    internal: false,
    cidr: `${address}/${netmask === '255.255.255.0' ? 24 : 16}`,
    scopeid: 0,
  });
  const interfaces = {
    eth0: [info('fe80::1', 'ffff:ffff:ffff:ffff::', 'IPv6'), info('10.0.0.2', '255.255.255.0'), info('172.20.3.4', '255.255.0.0')],
    eth1: [info('fe80::2', 'ffff:ffff:ffff:ffff::', 'IPv6')],
  } as Parameters<typeof serveNetwork>[2];
  assert.deepEqual(serveNetwork('eth0', undefined, interfaces), { interface: 'eth0', address: '10.0.0.2', subnet: '10.0.0.0' });
  assert.deepEqual(serveNetwork('eth0', '172.20.0.0', interfaces), { interface: 'eth0', address: '172.20.3.4', subnet: '172.20.0.0' });
  const refusals: { name: string; subnet?: string; want: RegExp }[] = [
    { name: 'eth9', want: /no network interface eth9 .*its interfaces: eth0, eth1/ },
    { name: 'eth1', want: /interface eth1 has no IPv4 address/ },
    { name: 'eth0', subnet: '192.168.1.0', want: /not on the network 192\.168\.1\.0 .*10\.0\.0\.2\/24, 172\.20\.3\.4\/16/ },
    { name: 'eth0', subnet: '10.0.0', want: /--subnet "10\.0\.0" is not an IPv4 address/ },
  ];
  for (const { name, subnet, want } of refusals) {
    assert.throws(
      () => serveNetwork(name, subnet, interfaces),
      (error: unknown) => error instanceof EmbError && want.test(`${error.message} ${error.hint}`),
      `serveNetwork(${name}, ${subnet})`,
    );
  }
});
