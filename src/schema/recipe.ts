import { z } from 'zod';
import { archSchema, type Arch } from './board.ts';

/**
 * What a recipe author writes. A recipe names one or more acceptable sources, in the
 * order they are tried; the first one that can be had is used, and the manifest
 * records which.
 */
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 as 64 lower-case hex digits');

/** An upstream tarball. `debianOrig` names the same bytes in Debian's source pool, an accepted mirror. */
export const tarballSourceSchema = z.object({
  kind: z.literal('tarball'),
  url: z.url(),
  sha256: sha256Schema,
  debianOrig: z
    .object({
      sourcePackage: z.string().min(1),
      file: z.string().min(1),
    })
    .optional(),
});

/**
 * Binaries taken from Debian's binary package for the target arch, with exactly the
 * shared libraries they need (their ELF DT_NEEDED closure), found in `libraryPackages`.
 */
export const debianBinarySourceSchema = z.object({
  kind: z.literal('debian-binary'),
  package: z.string().min(1),
  /** Absolute paths inside the package to take. */
  binaries: z.array(z.string().startsWith('/')).min(1),
  libraryPackages: z.array(z.string().min(1)).default(['libc6']),
});

export const sourceSchema = z.discriminatedUnion('kind', [tarballSourceSchema, debianBinarySourceSchema]);
export type Source = z.infer<typeof sourceSchema>;
export type TarballSource = z.infer<typeof tarballSourceSchema>;
export type DebianBinarySource = z.infer<typeof debianBinarySourceSchema>;

/**
 * A build step as data, so it can be printed, tested and run by either toolchain.
 * `run` arguments may contain ${DESTDIR}, ${SYSROOT}, ${CC}, ${CROSS_COMPILE}, ${JOBS},
 * ${ARCH}: emb expands them; no shell ever sees the arguments.
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
  /** Linux/kbuild ARCH value, e.g. "arm64". */
  kernelArch: string;
  jobs: number;
}

export const recipeSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/, 'lower-case package name'),
  version: z.string().min(1),
  license: z.string().min(1),
  description: z.string().min(1),
  arches: z.array(archSchema).min(1),
  sources: z.array(sourceSchema).min(1),
  dependencies: z.array(z.string()).default([]),
  /** Steps for a tarball source, run in the unpacked source tree with DESTDIR etc. set. */
  steps: z.custom<(context: StepContext) => Step[]>((value) => typeof value === 'function', 'a function (context) => steps').optional(),
  /** Leave binaries unstripped (for debugging). */
  keepSymbols: z.boolean().default(false),
});

export type RecipeInput = z.input<typeof recipeSchema>;
export type Recipe = z.infer<typeof recipeSchema>;
