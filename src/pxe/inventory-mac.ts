/**
 * MAC addresses as the inventory takes them: six two-digit hex octets separated by
 * ':' (Linux, dnsmasq) or '-' (Windows, some switch tables), in any case. They are
 * written lower-case with ':', the form DHCP servers and PXE config names compare.
 */
export const macRule = 'six two-digit hex octets separated by ":" or "-", e.g. 02:00:00:00:00:01';

const macPattern = /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/;

/** undefined when `text` can be a network card's own address, else what is wrong. */
export function macProblem(text: string): string | undefined {
  if (!macPattern.test(text)) return `is not a MAC address (${macRule})`;
  const mac = normalMac(text);
  // The low bit of the first octet marks a group (multicast) address. A network card
  // never has one as its own, so no node would ever ask for this entry: it is a typo,
  // most often an odd first octet where 02 (locally administered) was meant.
  if (Number.parseInt(mac.slice(0, 2), 16) % 2 === 1) {
    return "is a multicast address (the first octet is odd); a network card's own address has that bit clear";
  }
  // All zeros is what tools print for "no address": a placeholder left in the file.
  if (mac === '00:00:00:00:00:00') return "is all zeros, a placeholder rather than a network card's address";
  return undefined;
}

/** A valid MAC (see macProblem) lower-case with ':' separators. */
export function normalMac(text: string): string {
  return text.toLowerCase().replaceAll('-', ':');
}
