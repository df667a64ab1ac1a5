import type { DeclaredLicense } from './sbom-model.ts';

/**
 * A license string as a DeclaredLicense: an SPDX expression when it reads as one
 * (license ids joined by AND, OR and WITH, with parentheses), else one license by that
 * name: the GPU driver's "MIT OR GPL-2.0-only (kernel modules); NVIDIA proprietary…"
 * is prose, and passing it off as an expression would break tools that parse one.
 */
export function declaredLicense(text: string): DeclaredLicense {
  const words = text.replaceAll('(', ' ( ').replaceAll(')', ' ) ').trim().split(/\s+/);
  let depth = 0;
  let expectId = true;
  for (const word of words) {
    if (word === '(') {
      if (!expectId) return { kind: 'licenses', licenses: [{ name: text }] };
      depth++;
    } else if (word === ')') {
      if (expectId || --depth < 0) return { kind: 'licenses', licenses: [{ name: text }] };
    } else if (/^(AND|OR|WITH)$/.test(word)) {
      if (expectId) return { kind: 'licenses', licenses: [{ name: text }] };
      expectId = true;
    } else {
      if (!expectId || !/^(LicenseRef-)?[A-Za-z0-9][A-Za-z0-9.-]*\+?$/.test(word)) return { kind: 'licenses', licenses: [{ name: text }] };
      expectId = false;
    }
  }
  return depth === 0 && !expectId ? { kind: 'expression', expression: text } : { kind: 'licenses', licenses: [{ name: text }] };
}
