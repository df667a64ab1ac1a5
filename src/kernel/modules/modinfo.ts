/**
 * The `.modinfo` section of a kernel module: NUL-separated `key=value` strings written by
 * MODULE_INFO() and modpost (license, alias, depends, softdep, firmware, name, vermagic…).
 */
import { canonicalModuleName } from './module-names.ts';

export interface ModInfo {
  /** `name=` as modpost wrote it (absent in very old modules). */
  name?: string;
  /** Modules that export symbols this one uses, canonical names; load them first. */
  depends: string[];
  /** Soft dependencies as written: module names or aliases (e.g. 'crypto-crc32c'). */
  softdepPre: string[];
  softdepPost: string[];
  /** Firmware files the driver may request, relative to /lib/firmware. */
  firmware: string[];
  /** Alias patterns (fnmatch globs) that make modprobe pick this module. */
  aliases: string[];
  license?: string;
}

/** Each `key=value` string of the section, in order; strings without '=' are skipped. */
export function modinfoEntries(section: Buffer): Array<[key: string, value: string]> {
  const entries: Array<[string, string]> = [];
  for (const text of section.toString('utf8').split('\0')) {
    const eq = text.indexOf('=');
    if (eq > 0) entries.push([text.slice(0, eq), text.slice(eq + 1)]);
  }
  return entries;
}

/**
 * Splits "pre: a b post: c" into its two lists. Like kmod, names before any `pre:` or
 * `post:` are ignored: modprobe never loads them, so neither does the image.
 */
export function parseSoftdep(value: string): { pre: string[]; post: string[] } {
  const pre: string[] = [];
  const post: string[] = [];
  let list: string[] | undefined;
  for (const token of value.split(/\s+/)) {
    if (token === '') continue;
    if (token === 'pre:') list = pre;
    else if (token === 'post:') list = post;
    else list?.push(token);
  }
  return { pre, post };
}

export function parseModinfo(section: Buffer): ModInfo {
  const info: ModInfo = { depends: [], softdepPre: [], softdepPost: [], firmware: [], aliases: [] };
  for (const [key, value] of modinfoEntries(section)) {
    switch (key) {
      case 'name':
        info.name ??= value;
        break;
      case 'license':
        info.license ??= value;
        break;
      case 'depends':
        for (const dep of value.split(',')) if (dep.trim() !== '') info.depends.push(canonicalModuleName(dep.trim()));
        break;
      case 'softdep': {
        const { pre, post } = parseSoftdep(value);
        info.softdepPre.push(...pre);
        info.softdepPost.push(...post);
        break;
      }
      case 'firmware':
        if (value !== '') info.firmware.push(value);
        break;
      case 'alias':
        if (value !== '') info.aliases.push(value);
        break;
    }
  }
  return info;
}
