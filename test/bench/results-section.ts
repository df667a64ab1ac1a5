/**
 * BENCHMARKS.md's results section: the text between two markers, replaced whole by
 * each full `npm run bench`; everything outside them (the dated history) is kept byte
 * for byte. The file is written to a temp name and renamed, so a crash never leaves it
 * half written.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';

export const startMarker = '<!-- bench:results:start -->';
export const endMarker = '<!-- bench:results:end -->';

/** `text` with what lies between the markers replaced by `section`; throws when the markers are missing, repeated or out of order. */
export function replaceResultsSection(text: string, section: string): string {
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker);
  const fix = `put the two lines ${startMarker} and ${endMarker} (in that order) where the results go`;
  if (start === -1 || end === -1) {
    const missing = [start === -1 ? startMarker : '', end === -1 ? endMarker : ''].filter(Boolean).join(' and ');
    throw new Error(`BENCHMARKS.md has no ${missing}: ${fix}`);
  }
  if (text.indexOf(startMarker, start + 1) !== -1 || text.indexOf(endMarker, end + 1) !== -1)
    throw new Error(`BENCHMARKS.md has a results marker twice: ${fix}`);
  if (end < start) throw new Error(`BENCHMARKS.md has ${endMarker} before ${startMarker}: ${fix}`);
  return `${text.slice(0, start + startMarker.length)}\n\n${section.trim()}\n\n${text.slice(end)}`;
}

export async function writeResultsSection(file: string, section: string): Promise<void> {
  const next = replaceResultsSection(await readFile(file, 'utf8'), section);
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, next);
  await rename(temp, file);
}
