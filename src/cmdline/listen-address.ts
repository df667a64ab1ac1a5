/**
 * Where the node's exporters listen (node_exporter :9100, the BOINC exporter :9109):
 * one IPv4 address of the node, 0.0.0.0 for every address (the default), 127.0.0.1 for
 * the node itself only. The board's metrics.listen and the kernel argument
 * uebo.metrics.listen share this rule; its shell twin is emb_cl_is_ipv4 in
 * rootfiles/lib/emb/cmdline-values.sh.
 */

/** Every address: what the exporters listen on when nothing says otherwise. */
export const everyAddress = '0.0.0.0';

// Dotted quad, each part 0-255 without a leading zero (some parsers read it as octal).
const octet = '(?:0|[1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])';
const ipv4 = new RegExp(`^${octet}(?:\\.${octet}){3}$`);

export const listenAddressRule = 'must be an IPv4 address of the node, e.g. 127.0.0.1 (0.0.0.0: every address)';

/** undefined when `value` is an address the exporters can listen on, else what is wrong. */
export function listenAddressProblem(value: string): string | undefined {
  return ipv4.test(value) ? undefined : listenAddressRule;
}
