import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { entriesOfDirectory } from '../build/artifact.ts';
import { EmbError } from '../errors.ts';
import type { Layer } from './layers.ts';

const modesFile = '.emb-modes';

/** `/etc/shadow 0600` lines: modes a git checkout cannot carry. */
export function parseModeOverrides(text: string, file: string): Map<string, number> {
  const modes = new Map<string, number>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [, path, mode] = /^(\/\S+)\s+([0-7]{3,4})$/.exec(line) ?? [];
    if (path === undefined || mode === undefined)
      throw new EmbError(`${file}:${index + 1}: expected "<absolute path> <octal mode>", got "${line}"`, 'e.g. /etc/shadow 0600');
    modes.set(path, Number.parseInt(mode, 8));
  });
  return modes;
}

/**
 * A rootfiles tree as a layer. entriesOfDirectory gives modes from the exec bits only
 * (0755 or 0644, directories 0755), as git keeps nothing else, so the image does not
 * depend on the checkout's umask; the overrides file sets the rest. A symlink keeps
 * 0777 whatever the file says. Everything is owned by root.
 */
export async function rootfilesLayer(dir: string, name = 'rootfiles'): Promise<Layer> {
  const overridesPath = join(dir, modesFile);
  const overrides = parseModeOverrides(await readFile(overridesPath, 'utf8').catch(() => ''), overridesPath);
  const entries = (await entriesOfDirectory(dir, (path) => path !== `/${modesFile}`)).map((entry) => {
    const override = entry.type === 'symlink' ? undefined : overrides.get(entry.path);
    return { ...entry, mode: override ?? entry.mode };
  });
  return { name, entries };
}
