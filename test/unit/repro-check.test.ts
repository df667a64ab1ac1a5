/**
 * The reproducibility check's plumbing: which options reach its two builds, and the
 * downloads a clean cache is given.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildCommand } from '../../src/commands/build.ts';
import { givenOptionArgs } from '../../src/repro/given-options.ts';
import { seedDownloads } from '../../src/repro/seed-downloads.ts';

const scratch = await mkdtemp(join(tmpdir(), 'emb-repro-check-'));
after(() => rm(scratch, { recursive: true, force: true }));

test("the options given to emb build go to both builds, in the command's order, without the check's own", () => {
  buildCommand.parseOptions([
    '--zstd-level',
    '3',
    '--out',
    'elsewhere',
    '--secret',
    'boinc-password=a',
    '--toolchain',
    'host',
    '--jobs',
    '2',
    '--offline',
    '--check-reproducible',
    '--secret',
    'boinc-password=b',
  ]);
  assert.deepEqual(givenOptionArgs(buildCommand, ['board', 'out', 'toolchain', 'checkReproducible']), [
    '--jobs',
    '2',
    '--offline',
    '--zstd-level',
    '3',
    '--secret',
    'boinc-password=a',
    '--secret',
    'boinc-password=b',
  ]);
});

test('a clean cache gets the downloads as hard links, without the temp files of a running download, twice without harm', async () => {
  const from = join(scratch, 'from');
  const to = join(scratch, 'to');
  await mkdir(join(from, 'downloads', 'a'.repeat(64)), { recursive: true });
  await mkdir(join(from, 'downloads', '.tmp-123-apt-x'), { recursive: true });
  await writeFile(join(from, 'downloads', 'a'.repeat(64), 'x.deb'), 'deb');
  await writeFile(join(from, 'downloads', 'a'.repeat(64), '.tmp-123-abcd-y.tar.gz'), 'half');
  assert.equal(await seedDownloads(from, to), 1);
  assert.deepEqual(await readdir(join(to, 'downloads')), ['a'.repeat(64)]);
  assert.deepEqual(await readdir(join(to, 'downloads', 'a'.repeat(64))), ['x.deb']);
  const [source, linked] = await Promise.all([
    stat(join(from, 'downloads', 'a'.repeat(64), 'x.deb')),
    stat(join(to, 'downloads', 'a'.repeat(64), 'x.deb')),
  ]);
  assert.equal(linked.ino, source.ino, 'a hard link, not a copy');
  assert.equal(await seedDownloads(from, to), 0, 'a second seeding finds everything there');
  assert.equal(await seedDownloads(join(scratch, 'no-cache'), join(scratch, 'to2')), 0, 'a cache without downloads gives none');
});
