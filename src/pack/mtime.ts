import { EmbError } from '../errors.ts';

/** The latest time a cpio newc header holds: mtime is 8 hex digits (2106-02-07). */
const NEWC_MAX_MTIME = 0xffff_ffff;

/**
 * The mtime for every archive record: SOURCE_DATE_EPOCH when set
 * (https://reproducible-builds.org/specs/source-date-epoch/), else 0, so an image never
 * records when it happened to be built. Takes the environment as an argument so tests
 * need not touch process.env. A value the user set wrong is an EmbError: one line.
 */
export function archiveMtime(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const value = env.SOURCE_DATE_EPOCH;
  // An empty value is what `SOURCE_DATE_EPOCH= emb build` leaves behind: treat it as unset.
  if (value === undefined || value === '') return 0;

  // Digits only: the spec's "decimal integer"; a sign, a fraction, hex or spaces are refused.
  if (!/^[0-9]+$/.test(value)) {
    throw new EmbError(
      `SOURCE_DATE_EPOCH=${value} is not a whole number of seconds since 1970 (0 or more)`,
      'unset it or give e.g. SOURCE_DATE_EPOCH=1700000000',
    );
  }
  const seconds = Number(value);
  // newc stores mtime in 8 hex digits; a later time would fail deep inside the writer.
  if (seconds > NEWC_MAX_MTIME) {
    throw new EmbError(
      `SOURCE_DATE_EPOCH=${value} is after 2106-02-07, the latest time a cpio newc header can hold`,
      'unset it or give e.g. SOURCE_DATE_EPOCH=1700000000',
    );
  }
  return seconds;
}
