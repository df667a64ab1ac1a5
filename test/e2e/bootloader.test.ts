/**
 * emb bootloader (issue 11): the SD card image a node needs to boot from the network.
 * - sopine: Debian's u-boot-sunxi files at the offsets Debian's own installer uses,
 *   byte for byte as the package has them;
 * - rpi3: raspi-firmware's bootcode.bin in an MBR's FAT32 partition, read back with
 *   partx, file, mdir, fsck.fat and mcopy (no QEMU boot: see the test);
 * - orangepi-pc: U-Boot emb built from Debian's U-Boot source, proven by booting it in
 *   QEMU's model of the board from the image (-sd): SPL, U-Boot, DHCP through the
 *   emulated EMAC, pxelinux.cfg/01-<mac> from a tree emb pxe wrote, the node up with
 *   its inventory hostname, shut down. (U-Boot's PSCI on sunxi cannot power off: the node halts.)
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { downloadCachePath } from '../../src/fetch/download.ts';
import { resolveDebianPackage } from '../../src/fetch/debian-packages.ts';
import { cacheDir } from '../../src/paths.ts';
import { startQemuProcess } from '../helpers/qemu-session.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

const work = await tempDir('bootloader');
after(() => rm(work, { recursive: true, force: true }));

const MiB = 1024 * 1024;
/** The H3's boot ROM checks this magic 4 bytes into the SPL (Allwinner's eGON boot header). */
const EGON_MAGIC = 'eGON.BT0';

test('emb bootloader --list: each board with where its bootloader comes from, or what boots it instead', async () => {
  const result = await runEmb(['bootloader', '--list'], {}, 60_000);
  assert.equal(result.exitCode, 0, String(result.stderr));
  const out = String(result.stdout);
  assert.match(out, /^BOARD +FROM +WHAT$/m);
  assert.match(out, /^sopine +Debian u-boot-sunxi \(arm64\) +\/usr\/lib\/u-boot\/sopine_baseboard\/: sunxi-spl\.bin at 8 KiB, /m);
  assert.match(out, /^pine64 +Debian u-boot-sunxi \(arm64\) +\/usr\/lib\/u-boot\/pine64_plus\/: /m);
  assert.match(
    out,
    /^orangepi-pc +recipe u-boot-orangepi-pc \(armhf\) +\/usr\/lib\/u-boot\/orangepi_pc\/: u-boot-sunxi-with-spl\.bin at 8 KiB$/m,
  );
  assert.match(
    out,
    /^rpi3 +Debian raspi-firmware \(non-free-firmware\) +FAT32 partition from 1 MiB: \/usr\/lib\/raspi-firmware\/bootcode\.bin$/m,
  );
  assert.match(out, /^rpi4 +none +its EEPROM bootloader netboots with no SD card, .*BOOT_ORDER=0xf21 and TFTP_PREFIX=2 /m);
  assert.match(out, /^odroid-c1 +none +boots from SD with dist's boot\.ini: /m);
  assert.match(out, /^qemu-aarch64 +none +QEMU's own firmware \(-bios /m);
});

test('refusals and usage mistakes: one line, exit 1 or 2, nothing written', async () => {
  const out = join(work, 'refused.img');
  const cases: { args: string[]; exit: number; line: RegExp }[] = [
    {
      args: ['--board', 'rpi4', '--out', out],
      exit: 1,
      line: /^emb: board rpi4 has no bootloader emb writes: its EEPROM bootloader netboots with no SD card, and Debian has no rpi-eeprom /,
    },
    {
      args: ['--board', 'odroid-c1', '--out', out],
      exit: 1,
      line: /^emb: board odroid-c1 has no bootloader emb writes: boots from SD with dist's boot\.ini/,
    },
    {
      args: ['--board', 'qemu-armhf', '--out', out],
      exit: 1,
      line: /^emb: board qemu-armhf has no bootloader emb writes: QEMU's own firmware/,
    },
    { args: ['--board', 'nosuch', '--out', out], exit: 1, line: /^emb: unknown board "nosuch"/ },
    { args: ['--board', 'sopine', '--out', out, '--size-mib', '48'], exit: 2, line: /^emb: --size-mib 48 is not a power of two/ },
    {
      args: ['--board', 'rpi3', '--out', out, '--size-mib', '32'],
      exit: 2,
      line: /^emb: --size-mib 32 is too small for the board's FAT32 partition/,
    },
    { args: ['--board', 'sopine'], exit: 2, line: /^emb: emb bootloader needs --board and --out, or --list/ },
    { args: ['--list', '--board', 'sopine'], exit: 2, line: /^emb: --list takes no --board or --out/ },
  ];
  for (const { args, exit, line } of cases) {
    const result = await runEmb(['bootloader', ...args], {}, 60_000);
    const lines = String(result.stderr).split('\n').filter(Boolean);
    assert.equal(result.exitCode, exit, `emb bootloader ${args.join(' ')}: exit ${result.exitCode}\n${result.stderr}`);
    assert.equal(lines.length, 1, `one line: ${result.stderr}`);
    assert.match(lines[0] ?? '', line);
  }
  await assert.rejects(stat(out), 'no image was written');
});

test("sopine: Debian's u-boot-sunxi SPL at 8 KiB and its FIT image at 40 KiB, byte for byte", { timeout: 5 * 60_000 }, async () => {
  const image = join(work, 'sopine.img');
  const result = await runEmb(['bootloader', '--board', 'sopine', '--out', image], {}, 4 * 60_000);
  assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  const pkg = await resolveDebianPackage(cacheDir(), 'u-boot-sunxi', 'arm64');
  assert.match(String(result.stdout), new RegExp(`^from Debian u-boot-sunxi ${pkg.version.replaceAll('+', '\\+')} \\(arm64\\), `, 'm'));
  assert.match(String(result.stdout), /^ {2}at 8 KiB: \/usr\/lib\/u-boot\/sopine_baseboard\/sunxi-spl\.bin \(32768 bytes\)$/m);

  // The package as the apt index has it (emb checked its sha256 when it downloaded it), unpacked here by dpkg-deb.
  const unpacked = join(work, 'u-boot-sunxi');
  await execa('dpkg-deb', ['-x', downloadCachePath(cacheDir(), pkg.sha256, pkg.fileName), unpacked]);
  const spl = await readFile(join(unpacked, 'usr/lib/u-boot/sopine_baseboard/sunxi-spl.bin'));
  const fit = await readFile(join(unpacked, 'usr/lib/u-boot/sopine_baseboard/u-boot-sunxi-with-spl.fit.itb'));
  const bytes = await readFile(image);
  assert.equal(bytes.length, 64 * MiB, 'the default size');
  assert.ok(
    bytes.subarray(0, 8 * 1024).every((byte) => byte === 0),
    'zeros before the SPL (room for an MBR)',
  );
  assert.equal(bytes.subarray(8192 + 4, 8192 + 4 + EGON_MAGIC.length).toString('latin1'), EGON_MAGIC, 'the SPL header at 8 KiB');
  assert.ok(bytes.subarray(8 * 1024, 8 * 1024 + spl.length).equals(spl), "the package's sunxi-spl.bin at 8 KiB");
  assert.ok(bytes.subarray(40 * 1024, 40 * 1024 + fit.length).equals(fit), "the package's FIT image at 40 KiB");
  assert.equal(bytes.readUInt32BE(40 * 1024), 0xd00dfeed, 'a FIT image (device tree magic) at 40 KiB');
  assert.ok(
    bytes.subarray(40 * 1024 + fit.length).every((byte) => byte === 0),
    'zeros after it',
  );

  const again = await runEmb(['bootloader', '--board', 'sopine', '--out', image, '--offline', '--size-mib', '2'], {}, 60_000);
  assert.equal(again.exitCode, 0, `a second run, offline, from the download cache:\n${again.stderr}`);
  const small = await readFile(image);
  assert.equal(small.length, 2 * MiB);
  assert.ok(small.equals(bytes.subarray(0, 2 * MiB)), 'the same bytes, in a smaller image');
});

// rpi3: no boot is possible here. QEMU's raspi3b has no SD boot ROM path that reaches the
// network (with -kernel it skips the VideoCore boot ROM and bootcode.bin altogether) and no
// model of the LAN9514 USB Ethernet, so the card is checked as a user would check one.
test("rpi3: an MBR with one FAT32 (LBA) partition from 1 MiB holding raspi-firmware's bootcode.bin, as the Pi 3's boot ROM reads it", {
  timeout: 5 * 60_000,
}, async () => {
  const image = join(work, 'rpi3.img');
  const result = await runEmb(['bootloader', '--board', 'rpi3', '--out', image], {}, 4 * 60_000);
  assert.equal(result.exitCode, 0, `${result.stdout}\n${result.stderr}`);
  const stdout = String(result.stdout);
  assert.match(stdout, /^wrote .*rpi3\.img: 64 MiB SD card image for rpi3$/m);
  assert.match(stdout, /^ {2}MBR partition 1: type 0x0c \(FAT32 LBA\), sectors 2048-131071 \(from 1 MiB\)$/m);
  assert.match(stdout, /^ {2}in partition 1: bootcode\.bin from \/usr\/lib\/raspi-firmware\/bootcode\.bin \(\d+ bytes\)$/m);
  assert.match(stdout, /^from Debian raspi-firmware \S+ \(all, non-free-firmware\), raspi-firmware_\S+_all\.deb sha256 [0-9a-f]{64}$/m);

  // util-linux reads the partition table; file(1) names the type.
  const partx = await execa('partx', ['--show', '--noheadings', '--output', 'NR,START,SECTORS,SIZE', image]);
  assert.match(String(partx.stdout).trim(), /^1 +2048 +129024 +63M$/);
  const file = await execa('file', [image]);
  assert.match(String(file.stdout), /DOS\/MBR boot sector; partition 1 : ID=0xc, .*startsector 2048, 129024 sectors/);
  // mtools reads the filesystem at 1 MiB; fsck.fat checks the partition's bytes.
  const mtools = { env: { MTOOLS_SKIP_CHECK: '1' } };
  const mdir = await execa('mdir', ['-b', '-i', `${image}@@1M`, '::'], mtools);
  assert.deepEqual(String(mdir.stdout).split('\n').filter(Boolean), ['::/bootcode.bin'], 'bootcode.bin alone');
  const bytes = await readFile(image);
  const partition = join(work, 'rpi3-p1.img');
  await writeFile(partition, bytes.subarray(MiB));
  const fsck = await execa('fsck.fat', ['-n', partition], { reject: false });
  assert.equal(fsck.exitCode, 0, `fsck.fat -n:\n${fsck.stdout}\n${fsck.stderr}`);
  await rm(partition);

  // The file, copied back out, is the package's: the .deb emb downloaded (checked against the signed index) unpacked here.
  const back = join(work, 'bootcode.bin');
  await execa('mcopy', ['-n', '-i', `${image}@@1M`, '::bootcode.bin', back], mtools);
  const debs = await execa('find', [join(cacheDir(), 'downloads'), '-name', 'raspi-firmware_*_all.deb']);
  const deb = String(debs.stdout).split('\n').filter(Boolean).sort().pop();
  assert.ok(deb, 'the raspi-firmware .deb is in the download cache');
  const unpacked = join(work, 'raspi-firmware');
  await execa('dpkg-deb', ['-x', deb, unpacked]);
  assert.ok(
    (await readFile(back)).equals(await readFile(join(unpacked, 'usr/lib/raspi-firmware/bootcode.bin'))),
    "the package's bootcode.bin, byte for byte",
  );

  const again = await runEmb(['bootloader', '--board', 'rpi3', '--out', image, '--offline'], {}, 60_000);
  assert.equal(again.exitCode, 0, `a second run, offline:\n${again.stderr}`);
  assert.ok((await readFile(image)).equals(bytes), 'the same image, byte for byte');
});

const node = { mac: '02:81:4a:58:bd:80', hostname: 'opi-node' };

test('orangepi-pc: QEMU boots the U-Boot emb built from the SD image, which netboots the node from the tree to its hostname, then halts', {
  timeout: 45 * 60_000,
}, async (t) => {
  const dist = join(work, 'dist');
  const tree = join(work, 'tree');
  // A real board's console asks for root's password; this test types commands at it.
  const build = await runEmb(
    ['build', '--board', 'orangepi-pc', '--zstd-level', '3', '--console-shell', 'root', '--out', dist],
    {},
    40 * 60_000,
  );
  assert.equal(build.exitCode, 0, `emb build failed:\n${build.stdout}\n${build.stderr}`);
  const inventory = join(work, 'opi.yaml');
  await writeFile(
    inventory,
    `# The MAC U-Boot derives from the H3's SID in QEMU's model (it ignores -nic mac=).\nnodes:\n  - { mac: "${node.mac}", hostname: ${node.hostname}, board: orangepi-pc }\n`,
  );
  const pxe = await runEmb(
    ['pxe', '--inventory', inventory, '--out', tree, '--dist', dist, '--zstd-level', '3', '--console-shell', 'root'],
    {},
    10 * 60_000,
  );
  assert.equal(pxe.exitCode, 0, `emb pxe failed:\n${pxe.stdout}\n${pxe.stderr}`);

  const sd = join(work, 'sd.img');
  const started = performance.now();
  const written = await runEmb(['bootloader', '--board', 'orangepi-pc', '--out', sd], {}, 20 * 60_000);
  assert.equal(written.exitCode, 0, `emb bootloader failed:\n${written.stdout}\n${written.stderr}`);
  t.diagnostic(`emb bootloader: ${((performance.now() - started) / 1000).toFixed(1)} s (U-Boot built or taken from the cache)`);
  assert.match(
    String(written.stdout),
    /^from recipe u-boot-orangepi-pc 2023\.01\+dfsg-2\+deb12u3 \(armhf\), key [0-9a-f]{64}, (built now|from the cache) /m,
  );
  const bytes = await readFile(sd);
  assert.equal(bytes.subarray(8192 + 4, 8192 + 4 + EGON_MAGIC.length).toString('latin1'), EGON_MAGIC);

  await mkdir(join(work, 'logs'), { recursive: true });
  const booted = performance.now();
  const session = startQemuProcess(
    'qemu-system-arm',
    [
      ...['-M', 'orangepi-pc', '-m', '1024'],
      ...['-drive', `file=${sd},format=raw,if=sd`],
      // The board's EMAC takes the first NIC; QEMU's user network is DHCP and TFTP server.
      ...['-nic', `user,tftp=${tree}`],
      ...['-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot'],
    ],
    join(work, 'logs', 'orangepi-pc.log'),
  );
  try {
    const serial = session.serial;
    const spl = await serial.waitFor(/U-Boot SPL 2023\.01[^\n]*\n/, 60_000);
    await serial.waitFor(/Trying to boot from MMC1\n/, 60_000, spl.index);
    const uboot = await serial.waitFor(/\nU-Boot 2023\.01[^\n]*Allwinner[^\n]*\n/, 60_000, spl.index);
    await serial.waitFor(/Model: Xunlong Orange Pi PC\n/, 60_000, uboot.index);
    await serial.waitFor(/DHCP client bound to address [0-9.]+/, 120_000, uboot.index);
    // U-Boot asks for the file named by its MAC: the SID-derived one the inventory gives.
    const config = await serial.waitFor(/Retrieving file: pxelinux\.cfg\/01-([0-9a-f-]{17})\n/, 120_000, uboot.index);
    assert.equal(config[1], node.mac.replaceAll(':', '-'));
    const fetched: string[] = [];
    for (const file of ['zImage', 'initramfs.zst', 'sun8i-h3-orangepi-pc.dtb']) {
      const line = await serial.waitFor(
        new RegExp(`Retrieving file: (\\S*boards/orangepi-pc/${file.replaceAll('.', '\\.')})\\n`),
        180_000,
        config.index,
      );
      fetched.push(line[1] ?? file);
    }
    const ready = await serial.waitFor(/EMB-READY [^\n]*\n/, 300_000, config.index);
    const seconds = (performance.now() - booted) / 1000;
    assert.match(ready[0], new RegExp(`hostname=${node.hostname} `), 'the node came up with its inventory hostname');
    t.diagnostic(`${uboot[0].trim()}; fetched ${config[0].trim().replace('Retrieving file: ', '')}, ${fetched.join(', ')}`);
    t.diagnostic(`ready ${seconds.toFixed(1)} s after QEMU started: ${ready[0].trim()}`);
    await serial.run('true', 30_000);
    assert.equal((await serial.run('hostname', 30_000)).output.trim(), node.hostname);
    serial.type('poweroff');
    await serial.waitFor(/EMB-HALT\n/, 60_000, ready.index);
    const halted = await serial.waitFor(/reboot: (System halted|Power down)\n/, 60_000, ready.index);
    // U-Boot 2023.01 gives sunxi boards PSCI v0.1, which has no SYSTEM_OFF (the Orange Pi PC has no
    // PMIC to cut its power either): Linux halts the node, and QEMU runs on as the board would.
    // (Booted with -kernel, QEMU's own PSCI powers the machine off.)
    assert.match(serial.transcript, /psci: Using PSCI v0\.1 Function IDs from DT/);
    assert.equal(halted[1], 'System halted', 'the node shut down cleanly and halted');
  } finally {
    await session.stop();
  }
});
