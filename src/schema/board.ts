import { z } from 'zod';
import { listenAddressProblem } from '../cmdline/listen-address.ts';

/**
 * What a board profile author writes. The schema is the single definition: the
 * Board type, the validation at load and the error messages all come from it.
 */
export const archSchema = z.enum(['aarch64', 'armhf', 'amd64']);
export type Arch = z.infer<typeof archSchema>;

const debianKernelSchema = z.object({
  provider: z.literal('debian'),
  /** A Debian package or metapackage, e.g. "linux-image-arm64"; a metapackage is followed to the real image package. */
  package: z.string().min(1),
  /** Path of the kernel image inside the package; `{kver}` is replaced by the kernel release. */
  image: z.string().min(1),
});

/**
 * A kernel built from Debian's kernel source package with emb's configuration:
 * kernel-configs/common.config, kernel-configs/<arch>.config, then each named
 * fragment of kernel-configs/boards/, merged over `make allnoconfig`.
 */
const sourceKernelSchema = z
  .object({
    provider: z.literal('source'),
    /** The Debian package whose tarball is the source, e.g. "linux-source-6.1" (Debian's patches applied). */
    package: z.string().regex(/^linux-source-[0-9.]+$/, 'a linux-source-<version> package, e.g. linux-source-6.1'),
    /** Names of kernel-configs/boards/<name>.config fragments, in merge order. */
    fragments: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a fragment name without .config, e.g. qemu-virt')).default([]),
  })
  .strict();

export type SourceKernelSpec = z.infer<typeof sourceKernelSchema>;
export type DebianKernelSpec = z.infer<typeof debianKernelSchema>;

const consoleDeviceSchema = z
  .string()
  .regex(/^tty[A-Za-z0-9]+(,[0-9]+([noe][5-8])?)?$/, 'a tty name and optional speed, such as ttyAMA0 or ttyS2,1500000');

/**
 * What the serial console offers: 'root' a root shell without a password (how `emb
 * qemu`'s checks talk to the node), 'login' a getty asking for root's password (no
 * shell at all when the build gave no root password hash, or one busybox's login
 * cannot check).
 */
export const consoleShellSchema = z.enum(['root', 'login'], {
  message: "'root' (a root shell, no password) or 'login' (asks for root's password)",
});
export type ConsoleShell = z.infer<typeof consoleShellSchema>;

/** The device alone (the board kind's default shell: see defaultConsoleShell), or { device, shell }. */
const consoleSchema = z
  .union([consoleDeviceSchema, z.object({ device: consoleDeviceSchema, shell: consoleShellSchema.optional() }).strict()], {
    error: "a tty name such as 'ttyS2,1500000', or { device: 'ttyS2,1500000', shell: 'root' | 'login' }",
  })
  .transform((value) => (typeof value === 'string' ? { device: value, shell: undefined } : value));

const qemuSchema = z.object({
  binary: z.string().min(1),
  machine: z.string().min(1),
  /** An emulated CPU model. `max` is refused: it is about 6x slower under emulation. */
  cpu: z
    .string()
    .min(1)
    .refine((cpu) => cpu !== 'max', { message: 'use a real model such as cortex-a53; "max" is about 6x slower under emulation' }),
  memoryMiB: z.number().int().min(64),
  /**
   * Which of the machine's UARTs (QEMU's -serial order) is the board's console: 0 for
   * the first. QEMU's raspi3b has the PL011 first and the mini UART, the Pi 3's header
   * console (ttyS1), second.
   */
  consoleSerial: z.number().int().min(0).max(3).default(0),
  smp: z.number().int().min(1).default(1),
  /** Extra device arguments, e.g. ["-device", "virtio-net-pci,netdev=net0"]. */
  devices: z.array(z.string()).default([]),
  /**
   * Give QEMU the board's DTB (-dtb): for QEMU's models of real boards (orangepi-pc,
   * raspi3b). The generic `virt` machine makes its own device tree, so boards without
   * a `dtb` never pass one.
   */
  dtb: z.boolean().default(false),
  /** Smoke checks (by name, see src/boot/smoke-checks.ts) this model cannot pass, each with the reason, e.g. no network device. */
  skipChecks: z.array(z.object({ check: z.string().min(1), why: z.string().min(1) }).strict()).default([]),
});

/**
 * A path inside the kernel's DTB folder (Debian: /usr/lib/linux-image-<kver>/; arm64
 * DTBs are in vendor folders, armhf ones flat).
 */
const dtbPathSchema = z
  .string()
  .regex(
    /^(?!\/)(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9_./,+-]+\.dtb$/,
    "a .dtb path relative to the kernel's DTB folder, e.g. allwinner/sun50i-a64-sopine-baseboard.dtb",
  );

/**
 * One file of a bootloader image and where it goes on the SD card. Allwinner's boot ROM
 * reads the SPL at 8 KiB; Debian's arm64 sunxi builds put U-Boot's FIT image at 40 KiB.
 */
const bootloaderFileSchema = z
  .object({
    /** Absolute path of the file inside the Debian package or the recipe's install tree. */
    path: z
      .string()
      .regex(
        /^\/(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9_./,+-]+$/,
        'an absolute path inside the package, e.g. /usr/lib/u-boot/sopine_baseboard/sunxi-spl.bin',
      ),
    /** Where it starts, in KiB from the card's first byte. */
    offsetKiB: z.number().int().min(0),
  })
  .strict();

/** The files, in order of their offsets: `emb bootloader` checks that none runs into the next once it has them. */
const bootloaderFilesSchema = z
  .array(bootloaderFileSchema)
  .min(1)
  .superRefine((files, context) => {
    for (const [index, file] of files.entries()) {
      const before = files[index - 1];
      if (before !== undefined && file.offsetKiB <= before.offsetKiB) {
        context.addIssue({
          code: 'custom',
          path: [index, 'offsetKiB'],
          message: `must be past the file before it (at ${before.offsetKiB} KiB)`,
        });
      }
    }
  });

/** A file of the package copied into the image's FAT partition, under `name` in its root folder. */
const fatFileSchema = z
  .object({
    /** Absolute path of the file inside the Debian package. */
    path: z
      .string()
      .regex(
        /^\/(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9_./,+-]+$/,
        'an absolute path inside the package, e.g. /usr/lib/raspi-firmware/bootcode.bin',
      ),
    /** Its name in the partition's root folder, e.g. "bootcode.bin". */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a file name in the FAT root folder, e.g. bootcode.bin'),
  })
  .strict();

/** The FAT partition's files: FAT names ignore case, so no two may differ only in it. */
const fatFilesSchema = z
  .array(fatFileSchema)
  .min(1)
  .superRefine((files, context) => {
    for (const [index, file] of files.entries()) {
      const first = files.findIndex((other) => other.name.toLowerCase() === file.name.toLowerCase());
      if (first !== index) {
        context.addIssue({ code: 'custom', path: [index, 'name'], message: `is files.${first}.name already (FAT ignores case)` });
      }
    }
  });

/** The archive component holding a package: anything but main comes through emb's private apt (the host's may not list it). */
const debianComponentSchema = z.enum(['main', 'contrib', 'non-free', 'non-free-firmware']);

/**
 * Where the netboot bootloader a node needs on its SD card (or SPI flash) comes from,
 * for `emb bootloader`: a Debian binary package built for the board's arch (Debian's
 * u-boot-sunxi, u-boot-rpi…), or a recipe under packages/ built for the board's arch
 * with the same engine as `emb package build` (content-keyed and cached, never part of
 * an image) for boards Debian does not build. Those two put files at offsets in the
 * raw card. `debian-fat` copies a package's files by name into a FAT32 partition (MBR,
 * from 1 MiB): the Raspberry Pi 3's boot ROM reads bootcode.bin from one.
 */
const bootloaderImageSchema = z.discriminatedUnion(
  'from',
  [
    z
      .object({
        from: z.literal('debian'),
        /** A Debian binary package, taken for the board's arch, e.g. "u-boot-sunxi". */
        package: z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name, e.g. u-boot-sunxi'),
        files: bootloaderFilesSchema,
      })
      .strict(),
    z
      .object({
        from: z.literal('recipe'),
        /** A recipe (a folder under packages/) whose arches include the board's. */
        recipe: z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/, 'a recipe name (a folder under packages/)'),
        files: bootloaderFilesSchema,
      })
      .strict(),
    z
      .object({
        from: z.literal('debian-fat'),
        /** A Debian binary package for the board's arch (or Architecture: all), e.g. "raspi-firmware". */
        package: z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name, e.g. raspi-firmware'),
        /** Its archive component: main (the default) through the host's apt, others through emb's private apt. */
        component: debianComponentSchema.optional(),
        files: fatFilesSchema,
      })
      .strict(),
  ],
  {
    error:
      "from: 'debian' (with package) or 'recipe' (with recipe), and files at offsets; or from: 'debian-fat' (with package) and files by name",
  },
);
export type BootloaderImage = z.infer<typeof bootloaderImageSchema>;

/**
 * What loads the kernel and initramfs. `maxInitrdMiB` is the largest compressed
 * initramfs it can load (the room between its initrd load address and what it keeps
 * for itself, or what its firmware reserves): `emb build` refuses a bigger image.
 */
const bootloaderSchema = z
  .object({
    kind: z.enum(['u-boot', 'vendor-u-boot', 'raspi-firmware', 'pc-firmware', 'qemu']),
    /** Where a user gets it, e.g. "Debian u-boot-sunxi, target sopine_baseboard". */
    from: z.string().min(1),
    maxInitrdMiB: z.number().int().positive(),
    /**
     * Old vendor U-Boot that only boots legacy images (bootm): dist/ gets `uImage` and
     * `uInitrd` (mkimage) and a `boot.ini` for Hardkernel's U-Boot, which loads them
     * at these addresses.
     */
    legacyImages: z
      .object({
        kernelLoadAddress: z.number().int().nonnegative(),
        kernelAddress: z.number().int().nonnegative(),
        initrdAddress: z.number().int().nonnegative(),
        dtbAddress: z.number().int().nonnegative(),
      })
      .strict()
      .optional(),
    /** What `emb bootloader` writes on the node's SD card so it boots from the network; absent when emb writes none (see src/bootloader/). */
    image: bootloaderImageSchema.optional(),
  })
  .strict();

/**
 * Kernel modules by name, or 'auto' among them: the modules the board's DTB asks for
 * (every enabled node's compatible strings matched against the modules' of: aliases).
 * `modules: 'auto'` is short for ['auto'].
 */
const moduleListSchema = z
  .union([z.literal('auto'), z.array(z.string().min(1))], {
    error: "an array of module names (with 'auto' among them to add what the DTB asks for), or 'auto'",
  })
  .default([])
  .transform((value) => (value === 'auto' ? ['auto'] : value));

export const boardSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    description: z.string().min(1),
    arch: archSchema,
    kernel: z.discriminatedUnion('provider', [debianKernelSchema, sourceKernelSchema]),
    /**
     * The board's device tree, shipped in dist/ beside the kernel. Absent for machines
     * whose firmware makes its own (QEMU virt, PCs).
     */
    dtb: dtbPathSchema.optional(),
    /** RAM of the board's smallest variant: the unpacked image must fit in half of it (the initramfs tmpfs limit). */
    ramMiB: z.number().int().min(64),
    bootloader: bootloaderSchema,
    /**
     * Kernel modules to load at boot, by module name or alias; their dependencies are
     * found, not listed. 'auto' adds what the DTB asks for (see denyModules), and the
     * names beside it what a device tree cannot reveal: a PMIC regulator matched by a
     * platform alias, a PHY matched by its id at run time, a USB network adapter.
     */
    modules: moduleListSchema,
    /**
     * Module name patterns (fnmatch, '-' and '_' alike) 'auto' never chooses: GPU,
     * display, audio and video codec drivers a compute node does not use. A module
     * named in `modules` or needed by one is still kept.
     */
    denyModules: z.array(z.string().min(1)).default([]),
    /**
     * Kernel modules shipped but not loaded at boot: /storage/modules names them, or the
     * runtime loads one when a kernel argument needs it (nfsv4 for uebo.nfsdir). Each
     * comes with its dependencies; the files are freed once boot is done.
     */
    optionalModules: z.array(z.string().min(1)).default([]),
    /**
     * The serial console: `device` as the kernel's console= takes it, without /dev and,
     * for a real board, with the speed its bootloader uses ("ttyS2,1500000"): without
     * one the kernel's UART drivers fall back to 9600 baud. `shell` is what the console
     * offers (see consoleShellSchema); without it, 'login' on real boards and 'root' on
     * QEMU boards (bootloader kind 'qemu'). A plain string is the device with that default.
     */
    console: consoleSchema,
    hostname: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/, 'a host name (letters, digits, dashes)')
      .default('emb'),
    /** Recipes (folder names under packages/) that make up the image. */
    packages: z.array(z.string().min(1)).min(1),
    /**
     * Recipes built for another arch as well, e.g. armhf glibc and libgcc on an aarch64
     * board so armhf BOINC science apps run. Debian's multiarch paths
     * (/lib/arm-linux-gnueabihf, /lib/ld-linux-armhf.so.3) keep them apart from the
     * board arch's files; a clash is reported by assemble.
     */
    extraArches: z.array(z.object({ arch: archSchema, packages: z.array(z.string().min(1)).min(1) }).strict()).default([]),
    /**
     * SSH: key logins always (emb build --authorized-keys). passwordLogin: true makes
     * every build of this board give root a password (--root-password-hash) and lets
     * dropbear accept it; without it a build may still ask for password logins by
     * giving a hash.
     */
    ssh: z
      .object({ passwordLogin: z.boolean().default(false) })
      .strict()
      .default({ passwordLogin: false }),
    /**
     * The exporters' (node_exporter :9100, the BOINC exporter :9109) listening address:
     * an IPv4 address of the node, 127.0.0.1 to keep them to the node itself. Every
     * address (0.0.0.0) when absent; a node's uebo.metrics.listen kernel argument
     * (inventory args) overrides it.
     */
    metrics: z
      .object({
        listen: z.string().superRefine((value, context) => {
          const problem = listenAddressProblem(value);
          if (problem) context.addIssue({ code: 'custom', message: problem });
        }),
      })
      .strict()
      .optional(),
    /** Kernel arguments every node of this board gets. */
    cmdline: z.string().default(''),
    /** zstd level for the initramfs; 1-19 (the kernel cannot read --ultra frames reliably). */
    compressionLevel: z.number().int().min(1).max(19).default(19),
    qemu: qemuSchema.optional(),
    /**
     * A compressed read-only layer: the regular files of these packages (recipes,
     * dependencies such as curl included; not their /etc files, which the runtime may
     * edit) leave the cpio for one squashfs (zstd), /lib/emb/ro.squashfs, that /init
     * loop-mounts read-only on /usr/lib/emb-ro before any service starts; each moved
     * path becomes a link into it. Their pages are then read and decompressed on demand
     * into page cache the kernel can evict, instead of sitting unpacked in the tmpfs
     * root. loop and squashfs become boot modules. For large, rarely-read payloads
     * (BOINC and its libraries, node_exporter); never for what /init itself runs.
     */
    readOnlyLayer: z
      .object({ packages: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a recipe name (a folder under packages/)')).min(1) })
      .strict()
      .optional(),
    /**
     * A GPU host: the driver (a folder under packages/ holding driver.ts, see
     * src/schema/gpu-driver.ts) whose modules are built against this board's kernel,
     * and which of its firmware files to ship, by short name (all of them when absent).
     */
    gpu: z
      .object({
        driver: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a driver name (a folder under packages/ with a driver.ts)'),
        firmware: z
          .array(z.string().regex(/^[a-z0-9]+$/, 'a firmware short name, e.g. ga10x'))
          .min(1)
          .optional(),
      })
      .strict()
      .optional(),
    /** What a user of this board must know (a stand-in DTB, a disabled Ethernet node…): shown by `emb boards`. */
    notes: z.array(z.string().min(1)).default([]),
  })
  .superRefine((board, context) => {
    if (board.modules.includes('auto') && board.dtb === undefined) {
      context.addIssue({ code: 'custom', path: ['modules'], message: "'auto' reads the board's DTB: give a dtb, or list the modules" });
    }
    if (board.qemu?.dtb && board.dtb === undefined) {
      context.addIssue({ code: 'custom', path: ['qemu', 'dtb'], message: 'QEMU can only be given a DTB the board names: add dtb' });
    }
  })
  .transform((board) => ({
    ...board,
    console: { device: board.console.device, shell: board.console.shell ?? defaultConsoleShell(board.bootloader.kind) },
  }));

/**
 * The console's shell when the board does not say: a QEMU board is a developer's
 * machine whose console only its user reaches (and emb qemu's checks need a shell);
 * on a real board anyone at the serial header would get root.
 */
export function defaultConsoleShell(bootloaderKind: string): ConsoleShell {
  return bootloaderKind === 'qemu' ? 'root' : 'login';
}

/** The console's device name: "ttyS2" of "ttyS2,1500000". */
export function consoleDevice(console: string): string {
  return console.split(',')[0] ?? console;
}

export type BoardInput = z.input<typeof boardSchema>;
export type Board = z.infer<typeof boardSchema>;
