/**
 * The structure block of a flattened device tree: a flat stream of 4-aligned big-endian
 * tokens (FDT_BEGIN_NODE name, FDT_PROP len nameoff value, FDT_END_NODE, FDT_NOP, FDT_END)
 * turned back into a tree. Every token moves the cursor forward by at least 4 bytes and
 * the cursor never passes the block's end, so a corrupt file cannot loop forever; nesting
 * is kept on an explicit stack, so a deep one cannot overflow the call stack.
 */
import { alignedTo4, type DtbBytes } from './dtb-bytes.ts';
import { type DtbHeader, structEndOf } from './dtb-header.ts';
import { childPathOf, type DtbNode } from './dtb-node.ts';

const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;

export interface StructureTree {
  root: DtbNode;
  nodes: Map<string, DtbNode>;
}

/** The property name at `nameoff` in the strings block. */
function propertyNameAt(bytes: DtbBytes, header: DtbHeader, nameoff: number, at: number): string {
  const stringsEnd = header.offDtStrings + header.sizeDtStrings;
  if (nameoff >= header.sizeDtStrings) {
    bytes.fail(`the property at byte ${at} names string ${nameoff}, outside the ${header.sizeDtStrings}-byte strings block`);
  }
  return bytes.cString(header.offDtStrings + nameoff, stringsEnd, `the property name of the property at byte ${at}`).text;
}

export function readStructureBlock(bytes: DtbBytes, header: DtbHeader): StructureTree {
  const end = structEndOf(header);
  const nodes = new Map<string, DtbNode>();
  const open: DtbNode[] = [];
  let root: DtbNode | undefined;
  let at = header.offDtStruct;

  for (;;) {
    const token = bytes.u32(at, end, 'the structure block (no FDT_END token)');
    const parent = open.at(-1);
    switch (token) {
      case FDT_BEGIN_NODE: {
        const { text: name, next } = bytes.cString(at + 4, end, 'the node name');
        if (parent === undefined && root !== undefined) bytes.fail(`a second root node "${name}" starts at byte ${at}`);
        const path = parent === undefined ? '/' : childPathOf(parent.path, name);
        if (nodes.has(path)) bytes.fail(`two nodes have the path ${path}`);
        const node: DtbNode = { name, path, properties: new Map(), children: [] };
        nodes.set(path, node);
        if (parent === undefined) root = node;
        else parent.children.push(node);
        open.push(node);
        at = alignedTo4(next);
        break;
      }
      case FDT_END_NODE:
        if (open.pop() === undefined) bytes.fail(`an FDT_END_NODE at byte ${at} closes no node`);
        at += 4;
        break;
      case FDT_PROP: {
        const length = bytes.u32(at + 4, end, 'a property length');
        const nameoff = bytes.u32(at + 8, end, 'a property name offset');
        const name = propertyNameAt(bytes, header, nameoff, at);
        if (parent === undefined) bytes.fail(`the property "${name}" at byte ${at} is outside every node`);
        bytes.check(at + 12, length, end, `the value of ${parent.path}:${name}`);
        if (!parent.properties.has(name)) parent.properties.set(name, bytes.buf.subarray(at + 12, at + 12 + length));
        at = alignedTo4(at + 12 + length);
        break;
      }
      case FDT_NOP:
        at += 4;
        break;
      case FDT_END: {
        const unclosed = open.at(-1);
        if (unclosed !== undefined) bytes.fail(`FDT_END at byte ${at} comes before node ${unclosed.path} is closed`);
        if (root === undefined) bytes.fail('the structure block has no root node');
        return { root, nodes };
      }
      default:
        bytes.fail(`unknown token 0x${token.toString(16)} at byte ${at} of the structure block`);
    }
  }
}
