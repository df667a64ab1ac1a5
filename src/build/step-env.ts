import type { ArchInfo } from '../plan/arch-info.ts';

/** The environment every build step sees, and the values ${NAME} in its arguments expand to. */
export function stepEnvironment(info: ArchInfo, paths: { destDir: string; sysroot: string }, jobs: number): Record<string, string> {
  return {
    ARCH: info.kernelArch,
    CROSS_COMPILE: info.crossCompile,
    CC: `${info.crossCompile}gcc`,
    CXX: `${info.crossCompile}g++`,
    AR: `${info.crossCompile}ar`,
    STRIP: `${info.crossCompile}strip`,
    TRIPLET: info.triplet,
    DESTDIR: paths.destDir,
    SYSROOT: paths.sysroot,
    JOBS: String(jobs),
    // Locale and time zone must not leak from the host into what is built.
    LC_ALL: 'C',
    TZ: 'UTC',
    SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH ?? '0',
  };
}

/** Replace ${NAME} with its value; an unknown name is left as written so the error shows it. */
export function expandVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (whole, name: string) => values[name] ?? whole);
}
