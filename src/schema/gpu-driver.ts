import { z } from 'zod';
import { archSchema } from './board.ts';

/**
 * A GPU driver recipe (packages/<name>/driver.ts): kernel modules built from a Debian
 * source package against the board kernel's exact headers, at image build time, and
 * the userland and firmware files taken from Debian binary packages. Unlike a package
 * recipe, which is built once per arch, a driver is built once per kernel: its cache
 * key holds the kernel package, the headers and the driver version (src/gpu/).
 */
const debianPackageName = z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name, e.g. nvidia-smi');
/** Anything but main comes through emb's private apt: the host's sources may list only main. */
const componentSchema = z.enum(['main', 'contrib', 'non-free', 'non-free-firmware']);
const absolutePath = z
  .string()
  .regex(/^\/(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9_./+-]+$/, 'an absolute path inside the package, e.g. /usr/lib/nvidia/current/nvidia-smi');
const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/, 'a plain file name, e.g. libcuda.so.1');
const moduleFileName = z.string().regex(/^[a-z0-9][a-z0-9_-]*\.ko$/, 'a module file name, e.g. nvidia.ko');

/** A userland file taken from a package into the driver folder, under `name`, with links to it. */
const userlandFileSchema = z
  .object({
    path: absolutePath,
    name: fileName,
    /** Symbolic links beside it (a library's soname), and absolute paths elsewhere in the image that point at it. */
    links: z.array(z.union([fileName, absolutePath])).default([]),
  })
  .strict();

const userlandPackageSchema = z
  .object({ package: debianPackageName, component: componentSchema.default('main'), files: z.array(userlandFileSchema).min(1) })
  .strict();

export const gpuDriverSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case package name'),
    description: z.string().min(1),
    license: z.string().min(1),
    /** The driver's own version: the marker's driver_version, and the firmware folder's name. */
    version: z.string().regex(/^[0-9][0-9.]*$/, 'a version such as 535.261.03'),
    /** The marker's driver_kind: "open" for NVIDIA's open kernel modules. */
    kind: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a word such as open'),
    arches: z.array(archSchema).min(1),
    /**
     * The Debian version every package below must have: a mirror that moved on fails
     * the build in one line instead of mixing driver versions.
     */
    debianVersion: z.string().min(1),
    /** The kernel module sources: a tarball inside a Debian package. */
    moduleSource: z
      .object({
        package: debianPackageName,
        component: componentSchema.default('main'),
        /** The tarball's path in the package. */
        tarball: absolutePath,
        /** The folder where the build runs, inside the tarball's top folder (which every tarball has). */
        dir: z.string().regex(/^(?!\/)(?!(?:.*\/)?\.\.(?:\/|$))[A-Za-z0-9_./+-]+$/, 'a folder inside the tarball'),
      })
      .strict(),
    /**
     * Build steps, run in `dir` by the toolchain, as recipe steps are (src/schema/recipe.ts);
     * ${KERNEL_SOURCE} (the kernel's common headers), ${KERNEL_BUILD} (its arch headers,
     * .config and Module.symvers) and ${KERNEL_RELEASE} are set, with ${JOBS}.
     */
    steps: z.custom<(context: { jobs: number }) => Array<{ run: string[] }>>(
      (value) => typeof value === 'function',
      'a function (context) => steps',
    ),
    /** The modules the steps leave in `dir` (found by name below it), in load order. */
    modules: z.array(moduleFileName).min(1),
    /**
     * Parameters the first module (the core driver) gets under bee.nvidia.mode=gsp-off,
     * e.g. NVreg_EnableGpuFirmware=0: the node passes them to insmod. The build checks
     * the module declares each one.
     */
    gspOffParameters: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=\S+$/, 'name=value, e.g. NVreg_EnableGpuFirmware=0')).default([]),
    userland: z.array(userlandPackageSchema).default([]),
    /** What a booted image must show, as a recipe's checks (src/schema/recipe.ts): `emb qemu` runs them. */
    checks: z.array(z.object({ command: z.string().min(1), expect: z.string().min(1) }).strict()).default([]),
    /** Firmware the modules load, by short name (what a board's gpu.firmware lists), from one package. */
    firmware: z
      .object({
        package: debianPackageName,
        component: componentSchema.default('main'),
        files: z.record(z.string().regex(/^[a-z0-9]+$/), absolutePath),
      })
      .strict()
      .optional(),
  })
  .strict();

export type GpuDriverInput = z.input<typeof gpuDriverSchema>;
export type GpuDriver = z.infer<typeof gpuDriverSchema>;
export type DebianComponent = z.infer<typeof componentSchema>;
