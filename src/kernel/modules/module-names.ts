/**
 * Module names and aliases as modprobe compares them: '-' and '_' are the same character
 * in a module name, and in an alias outside a `[...]` bracket expression (kmod's
 * modname_normalize and alias_normalize).
 */

/** 'crc32c-generic' → 'crc32c_generic'. */
export function canonicalModuleName(name: string): string {
  return name.replaceAll('-', '_');
}

/** Module name of a file name: 'virtio-net.ko' → 'virtio_net'; undefined when it is not a `.ko` file. */
export function moduleNameOfFile(fileName: string): string | undefined {
  return fileName.endsWith('.ko') ? canonicalModuleName(fileName.slice(0, -'.ko'.length)) : undefined;
}

/** 'crypto-crc32c' → 'crypto_crc32c', but 'usb:v*p*d*dc*dsc*dp*ic[0-9]*' keeps the '-' in its bracket. */
export function canonicalAlias(alias: string): string {
  if (!alias.includes('-')) return alias;
  let out = '';
  let inBracket = false;
  for (const ch of alias) {
    if (ch === '[') inBracket = true;
    else if (ch === ']') inBracket = false;
    out += ch === '-' && !inBracket ? '_' : ch;
  }
  return out;
}
