/**
 * The modalias the kernel announces for a device made from a device tree node, which
 * udev hands to modprobe: Linux 6.1 drivers/of/device.c of_device_get_modalias,
 *   "of:N%pOFn%c%s" (name, 'T', device_type) then "C%s" per compatible string,
 * where %pOFn prints the node name up to '@', a missing device_type prints as "(null)"
 * (vsprintf of a NULL string), and spaces in a compatible become '_'.
 * Modules carry the matching patterns (scripts/mod/file2alias.c do_of_entry_multi):
 * "of:N*T*C<compatible>" and the same with "C*" appended, for the later compatibles.
 */
import { type DtbNode, nodeBaseName } from './dtb-node.ts';
import { compatiblesOf, stringPropertyOf } from './dtb-properties.ts';

export function ofModalias(node: DtbNode): string {
  const type = stringPropertyOf(node, 'device_type') ?? '(null)';
  const compatibles = compatiblesOf(node).map((compatible) => `C${compatible.replaceAll(' ', '_')}`);
  return `of:N${nodeBaseName(node)}T${type}${compatibles.join('')}`;
}
