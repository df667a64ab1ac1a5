/**
 * Property values as the kernel reads them: strings are NUL-terminated, and a string list
 * (compatible, clock-names…) is several of them back to back.
 */
import type { DtbNode } from './dtb-node.ts';

/**
 * The strings of a string-list property, in order; empty when the property is absent or
 * empty. Like the kernel's of_property_for_each_string, an empty string between two NULs
 * is kept and a last string without its NUL still counts.
 */
export function stringListOf(node: DtbNode, property: string): string[] {
  const value = node.properties.get(property);
  if (value === undefined || value.length === 0) return [];
  const strings = value.toString('utf8').split('\0');
  // The terminating NUL of the last string leaves one empty piece after it.
  if (value[value.length - 1] === 0) strings.pop();
  return strings;
}

/** The first string of a property (up to its NUL, as strcmp would see it); undefined when absent. */
export function stringPropertyOf(node: DtbNode, property: string): string | undefined {
  const value = node.properties.get(property);
  if (value === undefined) return undefined;
  const nul = value.indexOf(0);
  return value.toString('utf8', 0, nul < 0 ? value.length : nul);
}

/** The node's `compatible` strings, most specific first. */
export function compatiblesOf(node: DtbNode): string[] {
  return stringListOf(node, 'compatible');
}
