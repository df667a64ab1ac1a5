/**
 * Host names as the kernel arguments accept them (RFC 1123 labels; an IPv4 address
 * passes too). Kept in step with emb_cl_is_host in rootfiles/lib/emb/cmdline-values.sh.
 */
export const hostNameRule = 'host names are dot-separated labels of letters, digits and dashes (1-63 each, no dash at either end)';

/** sethostname() takes at most 64 bytes (__NEW_UTS_LEN). */
export const maxNodeNameLength = 64;
/** A DNS name's limit, for servers named in other arguments. */
export const maxHostLength = 253;

/** undefined when `name` is a valid host name of at most `maxLength` characters, else what is wrong. */
export function hostNameProblem(name: string, maxLength: number): string | undefined {
  if (name === '') return 'is empty';
  if (/[^A-Za-z0-9.-]/.test(name)) return 'has characters other than letters, digits, dots and dashes';
  if (name.length > maxLength) return `is longer than ${maxLength} characters`;
  const labels = name.split('.');
  if (labels.some((label) => label === '')) return 'has an empty label (a leading, trailing or double dot)';
  if (labels.some((label) => label.startsWith('-') || label.endsWith('-'))) return 'has a label that starts or ends with a dash';
  if (labels.some((label) => label.length > 63)) return 'has a label longer than 63 characters';
  return undefined;
}

export function isHostName(name: string, maxLength = maxHostLength): boolean {
  return hostNameProblem(name, maxLength) === undefined;
}
