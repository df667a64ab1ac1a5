/**
 * The mtime for every archive record: SOURCE_DATE_EPOCH when set
 * (https://reproducible-builds.org/specs/source-date-epoch/), else 0, so an image never
 * records when it happened to be built. Takes the environment as an argument so tests
 * need not touch process.env.
 */
export function archiveMtime(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const value = env['SOURCE_DATE_EPOCH'];
  // An empty value is what `SOURCE_DATE_EPOCH= emb build` leaves behind: treat it as unset.
  if (value === undefined || value === '') return 0;

  if (!/^[0-9]+$/.test(value)) {
    throw new Error(
      `SOURCE_DATE_EPOCH=${value} is not a whole number of seconds; unset it or give e.g. 1700000000`,
    );
  }
  const seconds = Number(value);
  // newc stores mtime in 8 hex digits; a later time would fail deep inside the writer.
  if (seconds > 0xffff_ffff) {
    throw new Error(
      `SOURCE_DATE_EPOCH=${value} is after 2106-02-07, the latest time a cpio newc header ` +
        `can hold; give e.g. 1700000000`,
    );
  }
  return seconds;
}
