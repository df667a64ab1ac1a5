import { Command } from 'commander';
import { z } from 'zod';
import { listArtifacts, listDownloads } from '../cache/cache-entries.ts';
import { collectGarbage } from '../cache/collect-garbage.ts';
import { cacheDir } from '../paths.ts';
import { formatBytes, formatTable } from './format.ts';

const lsCommand = new Command('ls')
  .description('list package builds and downloads in the cache')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const cacheRoot = cacheDir();
    const [artifacts, downloads] = await Promise.all([listArtifacts(cacheRoot), listDownloads(cacheRoot)]);
    if (options.json) {
      console.log(
        JSON.stringify(
          {
            cacheRoot,
            artifacts: artifacts.map(({ meta, ...rest }) => ({
              ...rest,
              name: meta?.name,
              version: meta?.version,
              arch: meta?.arch,
              toolchain: meta?.toolchain,
              source: meta?.source,
            })),
            downloads,
          },
          null,
          2,
        ),
      );
      return;
    }
    console.log(`cache: ${cacheRoot}`);
    console.log(
      formatTable([
        ['PACKAGE', 'VERSION', 'ARCH', 'KEY', 'SIZE', 'TOOLCHAIN', 'LAST USED'],
        ...artifacts.map((a) => [
          a.meta?.name ?? '?',
          a.meta?.version ?? '?',
          a.meta?.arch ?? '?',
          a.key.slice(0, 12),
          formatBytes(a.bytes),
          a.meta?.toolchain.split(':')[0] ?? '?',
          a.lastUsed.toISOString().slice(0, 16),
        ]),
      ]),
    );
    const total = downloads.reduce((sum, d) => sum + d.bytes, 0);
    console.log(
      `${artifacts.length} package builds, ${formatBytes(artifacts.reduce((sum, a) => sum + a.bytes, 0))}; ${downloads.length} downloads, ${formatBytes(total)}`,
    );
  });

const gcOptionsSchema = z.object({ olderThan: z.coerce.number().min(0).default(30), dryRun: z.boolean().default(false) });

const gcCommand = new Command('gc')
  .description('remove leftovers of killed runs, and builds and downloads not used for a while')
  .option('--older-than <days>', 'remove package builds and downloads not used for this many days (0: all not in use)', '30')
  .option('-n, --dry-run', 'only say what would be removed')
  .action(async (raw: unknown) => {
    const options = gcOptionsSchema.parse(raw);
    const result = await collectGarbage(cacheDir(), { olderThanDays: options.olderThan, dryRun: options.dryRun });
    for (const item of result.removed)
      console.log(`${options.dryRun ? 'would remove' : 'removed'} ${item.path} (${formatBytes(item.bytes)}; ${item.why})`);
    console.log(
      `${options.dryRun ? 'would free' : 'freed'} ${formatBytes(result.removed.reduce((sum, item) => sum + item.bytes, 0))}; kept ${result.keptArtifacts} package builds, ${result.keptDownloads} downloads`,
    );
  });

export const cacheCommand = new Command('cache')
  .description('inspect and clean the build cache (EMB_CACHE_DIR, else ~/.cache/emb)')
  .addCommand(lsCommand)
  .addCommand(gcCommand);
