import { Command } from 'commander';
import { z } from 'zod';
import { cacheDir, distDir } from '../paths.ts';
import { consoleShellSchema } from '../schema/board.ts';
import { archiveMtime } from '../pack/mtime.ts';
import { runBuild } from '../pipeline/run-build.ts';
import { readSecretOptions } from '../secrets/read-secret.ts';
import { writeDistSecrets } from '../secrets/dist-secrets.ts';
import { secretsInitrdName } from '../secrets/secrets-archive.ts';
import { formatBytes } from './format.ts';
import { setLockMode } from '../lock/lock-session.ts';
import { jobsOption, jobsSchema, lockedOption, makeJobsOption, offlineOption, toolchainOption, toolchainSchema } from './shared-options.ts';

export const buildOptionsSchema = z.object({
  board: z.string().min(1),
  out: z.string().optional(),
  jobs: jobsSchema,
  makeJobs: jobsSchema,
  offline: z.boolean().default(false),
  locked: z.boolean().default(false),
  toolchain: toolchainSchema,
  authorizedKeys: z.string().optional(),
  rootPasswordHash: z.string().optional(),
  consoleShell: consoleShellSchema.optional(),
  zstdLevel: z.coerce.number().int().min(1).max(19).optional(),
  moduleSigningKey: z.string().optional(),
  moduleSigningCert: z.string().optional(),
  secret: z.array(z.string()).default([]),
  checkReproducible: z.boolean().default(false),
});

export const buildCommand = new Command('build')
  .description('build the kernel and initramfs.zst for a board into dist/<board>/')
  .option('-b, --board <name>', 'board profile (a file in boards/)', 'qemu-aarch64')
  .option('-o, --out <dir>', 'output root (default: ./dist)')
  .addOption(lockedOption())
  .addOption(jobsOption())
  .addOption(makeJobsOption())
  .addOption(offlineOption())
  .addOption(toolchainOption())
  .option('--authorized-keys <file>', 'SSH public keys allowed to log in as root (dropbear; no keys, no SSH login)')
  .option('--zstd-level <1-19>', "zstd level instead of the board's compressionLevel (a quick build: 3)")
  .option('--root-password-hash <file>', "root's crypt(3) hash (mkpasswd -m yescrypt): allows SSH password logins, which are off otherwise")
  .option(
    '--console-shell <root|login>',
    "the serial console's shell instead of the board's console.shell: root (no password) or login (root's password)",
  )
  .option(
    '--module-signing-key <file>',
    "GPU boards: sign the driver's modules with this PEM key (for UEFI Secure Boot hosts that enrolled its certificate)",
  )
  .option('--module-signing-cert <file>', 'the X.509 certificate (PEM or DER) of --module-signing-key, unless the key file holds it')
  .option(
    '--secret <name=file>',
    'a secret for the node as a root-only file (boinc-password=FILE), in dist/<board>/secrets.cpio.zst (0600), never on the kernel command line; repeatable',
    (value: string, previous: string[]) => [...previous, value],
    [],
  )
  .option(
    '--check-reproducible',
    'build the board twice from clean caches (docker when it can, then host under umask 077, TZ=Pacific/Kiritimati, a Turkish locale) and compare; writes nothing to dist/',
  )
  .action(async (raw: unknown, command: Command) => {
    const options = buildOptionsSchema.parse(raw);
    // Imported only here: a plain build (a no-op one above all) loads none of the check's modules.
    if (options.checkReproducible) return (await import('./build-reproducible.ts')).runReproducibilityCheck(options, command);
    if (options.locked) setLockMode('locked');
    const outDir = distDir(options.board, options.out);
    // Read and checked before anything is built: a bad secret file is one line, not a lost build.
    const secrets = await readSecretOptions(options.secret, (line) => process.stderr.write(`emb: warning: ${line}\n`));
    const result = await runBuild({
      board: options.board,
      cacheRoot: cacheDir(),
      outDir,
      jobs: { packages: options.jobs, make: options.makeJobs },
      offline: options.offline,
      toolchain: options.toolchain,
      authorizedKeysFile: options.authorizedKeys,
      rootPasswordHashFile: options.rootPasswordHash,
      consoleShell: options.consoleShell,
      zstdLevel: options.zstdLevel,
      moduleSigningKeyFile: options.moduleSigningKey,
      moduleSigningCertFile: options.moduleSigningCert,
    });
    const secretsOutput = await writeDistSecrets(outDir, secrets, archiveMtime());
    const { manifest } = result;
    const m = manifest.modules;
    console.log(`board ${manifest.board} (${manifest.arch}) -> ${outDir}`);
    console.log(`  toolchain   ${result.toolchain}`);
    console.log(
      `  kernel      ${manifest.kernel.release} (${manifest.kernel.package} ${manifest.kernel.version}) -> ${manifest.kernel.file}`,
    );
    if (manifest.gpu) {
      const gpu = manifest.gpu;
      const driverBytes = gpu.modules.filter((module) => module.from === 'driver').reduce((sum, module) => sum + module.bytes, 0);
      console.log(
        `  gpu         ${gpu.driver} ${gpu.version} (${gpu.kind}) for ${gpu.kernelRelease}: ${gpu.modules.map((module) => module.name).join(' ')}; ` +
          `driver modules ${formatBytes(driverBytes)}, ${gpu.signed ? 'signed' : 'unsigned'}, firmware ${gpu.firmware.map((path) => path.split('/').pop()).join(' ') || 'none'}`,
      );
    }
    if (manifest.dtb) console.log(`  dtb         ${manifest.dtb.source} -> ${manifest.dtb.file}`);
    const chosen = m.auto ? `; ${m.auto.length} chosen by the DTB, ${m.denied?.length ?? 0} denied` : '';
    console.log(`  modules     kept ${m.kept}/${m.total}, ${formatBytes(m.keptBytes)} of ${formatBytes(m.totalBytes)}${chosen}`);
    console.log(
      `  packages    ${Object.entries(manifest.sources)
        .map(([name, s]) => `${name} ${s.version} (${s.kind})`)
        .join(', ')}; built now: ${result.built.join(', ') || 'none'}`,
    );
    console.log(
      `  initramfs   ${formatBytes(manifest.initramfs.compressedBytes)} zstd-${manifest.initramfs.zstdLevel} (${formatBytes(manifest.initramfs.uncompressedBytes)} cpio, ${manifest.files.length} entries)`,
    );
    console.log(
      `  fits        ${formatBytes(manifest.initramfs.uncompressedBytes)} of ${formatBytes(manifest.fit.unpackedLimitBytes)} unpacked (ramMiB ${manifest.fit.ramMiB}), ` +
        `${formatBytes(manifest.initramfs.compressedBytes)} of ${manifest.fit.maxInitrdMiB} MiB loadable`,
    );
    console.log(`  files       ${manifest.outputs.join(', ')}`);
    if (secretsOutput === 'written')
      console.log(
        `  secrets     ${[...secrets.keys()].join(', ')} -> ${secretsInitrdName} (0600; a second initrd, which emb qemu loads after the image)`,
      );
    console.log(`  ${result.upToDate ? 'up to date, nothing rebuilt' : 'written'} in ${result.seconds.toFixed(2)} s`);
  });
