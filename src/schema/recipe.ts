import { z } from 'zod';
import { archSchema, type Arch } from './board.ts';

/**
 * What a recipe author writes. A recipe names one or more acceptable sources, in the
 * order they are tried; the first one that can be had is used, and the manifest
 * records which.
 */
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 as 64 lower-case hex digits');

/** A Debian package name, as Debian policy spells them: it becomes an apt argument and a folder name. */
const debianPackageNameSchema = z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, 'a Debian package name, e.g. libc6');

/** No ".." part: a path inside a package or an image stays inside it. */
const withoutDotDot = (path: string): boolean => !path.split('/').includes('..');

/** A recipe's name: the folder under packages/ it lives in. */
export const recipeNameSchema = z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/, 'lower-case package name');

/** An upstream source tarball, by URL. */
export const tarballSourceSchema = z
  .object({
    kind: z.literal('tarball'),
    url: z.url(),
    sha256: sha256Schema,
  })
  .strict();

/**
 * A tarball in Debian's source pool (usually the `.orig` one), fetched from each
 * configured Debian mirror in turn. Its own sha256: Debian sometimes repacks.
 */
export const debianOrigSourceSchema = z
  .object({
    kind: z.literal('debian-orig'),
    /** The Debian source package, which decides the pool folder. */
    package: z.string().min(1),
    file: z.string().regex(/^[^/]+$/, 'a file name in the pool folder'),
    sha256: sha256Schema,
  })
  .strict();

/**
 * Binaries taken from Debian's binary package for the target arch, with exactly the
 * shared libraries they need (their ELF DT_NEEDED closure), found in `libraryPackages`.
 */
export const debianBinarySourceSchema = z
  .object({
    kind: z.literal('debian-binary'),
    package: debianPackageNameSchema,
    /**
     * Absolute paths inside the package to take; ${TRIPLET} (e.g. aarch64-linux-gnu),
     * ${LOADER} (e.g. /lib/ld-linux-aarch64.so.1) and ${DEBIAN_ARCH} are expanded.
     */
    binaries: z
      .array(
        z
          .string()
          .regex(/^(\/|\$\{)/, 'an absolute path (or ${LOADER})')
          .refine(withoutDotDot, 'a path without ".." parts'),
      )
      .min(1),
    /**
     * Debian packages searched for libraries the binaries need that the recipe's
     * dependencies (glibc, libgcc…) do not already provide.
     */
    libraryPackages: z.array(debianPackageNameSchema).default([]),
    /** Other files to take as they are (configuration, data), absolute paths in the package. */
    files: z.array(z.string().startsWith('/').refine(withoutDotDot, 'a path without ".." parts')).default([]),
  })
  .strict();

export const sourceSchema = z.discriminatedUnion('kind', [tarballSourceSchema, debianOrigSourceSchema, debianBinarySourceSchema]);
export type Source = z.infer<typeof sourceSchema>;
export type TarballSource = z.infer<typeof tarballSourceSchema>;
export type DebianOrigSource = z.infer<typeof debianOrigSourceSchema>;
export type DebianBinarySource = z.infer<typeof debianBinarySourceSchema>;

/**
 * A build step as data, so it can be printed, tested and run by either toolchain.
 * `run` arguments may contain ${DESTDIR}, ${SYSROOT}, ${CC}, ${CROSS_COMPILE}, ${JOBS},
 * ${ARCH} (and any other variable of the step environment): emb expands them; no
 * shell ever sees the arguments.
 * `copy` copies a file from the recipe folder into the source tree; `write` writes text there.
 */
export const stepSchema = z.union([
  z.object({ run: z.array(z.string()).min(1), cwd: z.string().optional() }).strict(),
  z.object({ copy: z.string().min(1), to: z.string().min(1) }).strict(),
  z.object({ write: z.string().min(1), content: z.string() }).strict(),
]);
export type Step = z.infer<typeof stepSchema>;

/** Values a recipe's steps may use; also exported into each step's environment. */
export interface StepContext {
  arch: Arch;
  /** e.g. "aarch64-linux-gnu-" */
  crossCompile: string;
  /** GNU triplet for configure's --host, e.g. "arm-linux-gnueabihf". */
  triplet: string;
  /** Linux/kbuild ARCH value, e.g. "arm64". */
  kernelArch: string;
  /** make -j for this package (emb build --make-jobs); packages may build side by side. */
  jobs: number;
}

export const recipeSchema = z.object({
  name: recipeNameSchema,
  version: z.string().min(1),
  license: z.string().min(1),
  description: z.string().min(1),
  arches: z.array(archSchema).min(1),
  sources: z.array(sourceSchema).min(1),
  /**
   * Recipes this one needs, built first for the same arch. Their files (headers and
   * static libraries included) form this recipe's ${SYSROOT}; their shared libraries
   * are what a debian-binary import finds first.
   */
  dependencies: z.array(recipeNameSchema).default([]),
  /** Patch files in the recipe folder, applied in order with `patch -p1` before the steps. */
  patches: z
    .array(z.string().regex(/^(?!\/)(?!(?:.*\/)?\.\.(?:\/|$)).+$/, 'a path inside the recipe folder, e.g. patches/fix.patch'))
    .default([]),
  /** Steps for a tarball or debian-orig source, run in the unpacked source tree with DESTDIR etc. set. */
  steps: z.custom<(context: StepContext) => Step[]>((value) => typeof value === 'function', 'a function (context) => steps').optional(),
  /**
   * What a booted image must show for this package: a shell command run on the node's
   * console and a regular expression its output must match (exit status 0 too).
   * `emb qemu` runs the checks of every package in the image.
   */
  checks: z.array(z.object({ command: z.string().min(1), expect: z.string().min(1) }).strict()).default([]),
  /**
   * Files this recipe installs with the setuid or setgid bit, as image paths (e.g.
   * /bin/su): they keep the bit. Any other file that comes out of the build with one
   * stops the build, so no package hands out root without saying so here.
   */
  setuid: z
    .array(
      z
        .string()
        .regex(/^\/[^\0]*[^/]$/, 'an absolute file path in the image, e.g. /bin/su')
        .refine(withoutDotDot, 'a path without ".." parts'),
    )
    .default([]),
  /** Leave binaries unstripped (for debugging). */
  keepSymbols: z.boolean().default(false),
});

export type RecipeInput = z.input<typeof recipeSchema>;
export type Recipe = z.infer<typeof recipeSchema>;
