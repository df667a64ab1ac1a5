import { z } from 'zod';

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

const qemuSchema = z.object({
  binary: z.string().min(1),
  machine: z.string().min(1),
  /** An emulated CPU model. `max` is refused: it is about 6x slower under emulation. */
  cpu: z
    .string()
    .min(1)
    .refine((cpu) => cpu !== 'max', { message: 'use a real model such as cortex-a53; "max" is about 6x slower under emulation' }),
  memoryMiB: z.number().int().min(64),
  smp: z.number().int().min(1).default(1),
  /** Extra device arguments, e.g. ["-device", "virtio-net-pci,netdev=net0"]. */
  devices: z.array(z.string()).default([]),
});

export const boardSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  description: z.string().min(1),
  arch: archSchema,
  kernel: debianKernelSchema,
  /** Kernel modules to load at boot, by module name; their dependencies are found, not listed. */
  modules: z.array(z.string().min(1)).default([]),
  /**
   * Kernel modules shipped but not loaded at boot: /storage/modules names them, or the
   * runtime loads one when a kernel argument needs it (nfsv4 for uebo.nfsdir). Each
   * comes with its dependencies; the files are freed once boot is done.
   */
  optionalModules: z.array(z.string().min(1)).default([]),
  /** Serial console device without /dev, e.g. "ttyAMA0". */
  console: z.string().regex(/^tty[A-Za-z0-9]+$/, 'a tty name such as ttyAMA0'),
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
  /** Kernel arguments every node of this board gets. */
  cmdline: z.string().default(''),
  /** zstd level for the initramfs; 1-19 (the kernel cannot read --ultra frames reliably). */
  compressionLevel: z.number().int().min(1).max(19).default(19),
  qemu: qemuSchema.optional(),
});

export type BoardInput = z.input<typeof boardSchema>;
export type Board = z.infer<typeof boardSchema>;
