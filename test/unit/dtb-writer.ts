/**
 * A tiny flattened device tree writer for tests: nodes in, a version 17 DTB out, with
 * hooks to corrupt the header or the structure block.
 */

export type DtbValue = string | string[] | number | Buffer;

export interface DtbSpec {
  name: string;
  props?: Record<string, DtbValue>;
  children?: DtbSpec[];
}

export interface DtbWriteOptions {
  /** Header fields to overwrite after layout, e.g. { magic: 0, version: 15 }. */
  header?: Partial<Record<HeaderField, number>>;
  /** Rewrites the structure block's tokens before they are laid out. */
  editStruct?: (words: Buffer) => Buffer;
}

const HEADER_FIELDS = [
  'magic',
  'totalsize',
  'offDtStruct',
  'offDtStrings',
  'offMemRsvmap',
  'version',
  'lastCompVersion',
  'bootCpuidPhys',
  'sizeDtStrings',
  'sizeDtStruct',
] as const;
export type HeaderField = (typeof HEADER_FIELDS)[number];

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const padded = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);

/** A property value: a string or list is NUL-terminated strings, a number one big-endian u32. */
export function propertyBytes(value: DtbValue): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'number') return u32(value);
  const strings = typeof value === 'string' ? [value] : value;
  return Buffer.from(strings.map((s) => `${s}\0`).join(''));
}

/** The structure block (FDT_END included) and strings block of a tree. */
export function structureOf(root: DtbSpec): { struct: Buffer; strings: Buffer } {
  const names = new Map<string, number>();
  let strings = '';
  const nameoff = (name: string): number => {
    let at = names.get(name);
    if (at === undefined) {
      at = Buffer.byteLength(strings);
      names.set(name, at);
      strings += `${name}\0`;
    }
    return at;
  };
  const parts: Buffer[] = [];
  const emit = (node: DtbSpec): void => {
    parts.push(u32(1), padded(Buffer.from(`${node.name}\0`)));
    for (const [name, value] of Object.entries(node.props ?? {})) {
      const bytes = propertyBytes(value);
      parts.push(u32(3), u32(bytes.length), u32(nameoff(name)), padded(bytes));
    }
    for (const child of node.children ?? []) emit(child);
    parts.push(u32(2));
  };
  emit(root);
  parts.push(u32(9));
  return { struct: Buffer.concat(parts), strings: Buffer.from(strings) };
}

/** A DTB: header, an empty memory reservation map, structure block, strings block. */
export function writeDtb(root: DtbSpec, options: DtbWriteOptions = {}): Buffer {
  const { struct: rawStruct, strings } = structureOf(root);
  const struct = options.editStruct ? options.editStruct(rawStruct) : rawStruct;
  const offMemRsvmap = 40;
  const offDtStruct = offMemRsvmap + 16;
  const offDtStrings = offDtStruct + struct.length;
  const totalsize = offDtStrings + strings.length;
  const fields: Record<HeaderField, number> = {
    magic: 0xd00dfeed,
    totalsize,
    offDtStruct,
    offDtStrings,
    offMemRsvmap,
    version: 17,
    lastCompVersion: 16,
    bootCpuidPhys: 0,
    sizeDtStrings: strings.length,
    sizeDtStruct: struct.length,
    ...options.header,
  };
  const header = Buffer.concat(HEADER_FIELDS.map((field) => u32(fields[field])));
  return Buffer.concat([header, Buffer.alloc(16), struct, strings]);
}

/** Token words for editStruct: FDT_BEGIN_NODE and friends. */
export const FDT = { BEGIN_NODE: 1, END_NODE: 2, PROP: 3, NOP: 4, END: 9 } as const;
