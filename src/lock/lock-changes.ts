import type { LockEntries, LockEntry } from './lock-file.ts';

/**
 * What moved between two locks, one line per package, sorted: "~ libc6:arm64
 * 2.36-9+deb12u13 → 2.36-9+deb12u14", "+ name:arch version", "- name:arch version".
 * A rebuilt .deb with the same version (a binNMU keeps its version; a mirror fix
 * does not) shows its sha256 change.
 */
export function lockChanges(before: LockEntries, after: LockEntries): string[] {
  const lines: string[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const was: LockEntry | undefined = before.get(key);
    const now: LockEntry | undefined = after.get(key);
    if (was === undefined && now !== undefined) lines.push(`+ ${key} ${now.version}`);
    else if (was !== undefined && now === undefined) lines.push(`- ${key} ${was.version}`);
    else if (was !== undefined && now !== undefined) {
      if (was.version !== now.version) lines.push(`~ ${key} ${was.version} → ${now.version}`);
      else if (was.sha256 !== now.sha256)
        lines.push(`~ ${key} ${now.version}: sha256 ${was.sha256.slice(0, 12)}… → ${now.sha256.slice(0, 12)}…`);
    }
  }
  return lines;
}
