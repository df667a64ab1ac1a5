import { EmbError } from '../errors.ts';
import type { DebianPackage } from './debian-packages.ts';

/** The upstream part of a Debian version: "1:4.4.33-2" → "4.4.33", "7.20.5+dfsg-1.1" → "7.20.5+dfsg". */
export function upstreamVersion(debianVersion: string): string {
  const withoutEpoch = debianVersion.replace(/^\d+:/, '');
  const dash = withoutEpoch.lastIndexOf('-');
  return dash === -1 ? withoutEpoch : withoutEpoch.slice(0, dash);
}

/** Whether a recipe's `version` names this upstream version; a Debian repack suffix (+dfsg, ~ds) is allowed. */
export function versionMatches(declared: string, debianVersion: string): boolean {
  const upstream = upstreamVersion(debianVersion);
  return upstream === declared || upstream.startsWith(`${declared}+`) || upstream.startsWith(`${declared}~`);
}

/**
 * A recipe that imports a Debian binary says which version it expects (its checks
 * often test for it); a lock update or a recipe edit that makes the two disagree is
 * caught before anything is built, not by a failing check on a booted node.
 */
export function checkImportedVersion(recipeFile: string, declared: string, imported: DebianPackage): void {
  if (versionMatches(declared, imported.version)) return;
  throw new EmbError(
    `${recipeFile}: declares version ${declared}, but imports ${imported.name}:${imported.debianArch} ${imported.version} (upstream ${upstreamVersion(imported.version)})`,
    `set version: '${upstreamVersion(imported.version).replace(/[+~].*$/, '')}' (and the checks) in the recipe, or pin a ${declared} build of ${imported.name} in emb.lock`,
  );
}
