import { z } from 'zod';
import { hostNameProblem, hostNameRule, maxNodeNameLength } from '../cmdline/host-name.ts';
import { argsProblem } from './node-args.ts';
import { macProblem, macRule, normalMac } from './inventory-mac.ts';

/**
 * What an inventory file holds, checked field by field. Whether a board or group
 * exists and whether two nodes clash are checked after (inventory-resolve.ts), since
 * they need the whole file or the list of boards.
 */

function checkedText(problemOf: (text: string) => string | undefined) {
  return z.string().superRefine((text, context) => {
    const problem = problemOf(text);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
}

const boardName = checkedText((text) => (text === '' ? 'is empty' : undefined));
const args = checkedText(argsProblem);

// Group names show up in messages and may name files (per-group boot configs): kept plain.
const groupName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a group name is letters, digits, "_", "." and "-", starting with a letter or digit');

/** What `defaults` and each group may set. */
const layerSchema = z.strictObject({ board: boardName.optional(), args: args.optional() });

const nodeSchema = z.strictObject({
  mac: checkedText(macProblem).transform(normalMac),
  // The rule itself is the hint (fieldHints), so the message only says what broke it.
  hostname: checkedText((text) => hostNameProblem(text, maxNodeNameLength)),
  group: groupName.optional(),
  board: boardName.optional(),
  /** A Raspberry Pi's serial: its firmware asks TFTP for <serial>/start.elf, in lower case. */
  serial: z
    .string()
    .regex(/^[0-9A-Fa-f]{8}$/, 'must be 8 hex digits, e.g. 1a2b3c4d')
    .transform((text) => text.toLowerCase())
    .optional(),
  args: args.optional(),
  /**
   * Files of the node's secrets by name (boinc-password), relative to the inventory's
   * folder: the node gets them as root-only files in an initrd of its own, never on its
   * command line.
   */
  secrets: z.strictObject({ 'boinc-password': z.string().min(1, 'is empty: give the path of a file').optional() }).optional(),
});

export const inventorySchema = z.strictObject({
  defaults: layerSchema.optional(),
  groups: z.record(groupName, layerSchema).optional(),
  nodes: z.array(nodeSchema).min(1, 'lists no nodes'),
});

export type RawInventory = z.infer<typeof inventorySchema>;
export type RawNode = RawInventory['nodes'][number];
export type InventoryLayer = z.infer<typeof layerSchema>;

/** The fields each place takes, for "unknown field" hints. */
export const placeFields = {
  top: ['defaults', 'groups', 'nodes'],
  layer: Object.keys(layerSchema.shape),
  node: Object.keys(nodeSchema.shape),
};

/** What to do about a bad value, by field name. */
export const fieldHints: Record<string, string> = {
  mac: `write the node's MAC as ${macRule}`,
  hostname: hostNameRule,
  serial: "the last 8 hex digits of Serial in the Pi's /proc/cpuinfo, quoted",
  args: 'check them with: emb cmdline "<args>"',
  group: 'name a group under groups:',
  nodes: 'list each node as "- mac: ..." with its hostname:',
  groups: 'each group is a name with board: and/or args:',
  secrets: 'write secrets: { boinc-password: <file holding it> }, the file relative to the inventory',
};
