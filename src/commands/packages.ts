import { Command } from 'commander';
import { loadAllRecipes } from '../plan/list-recipes.ts';
import { formatTable } from './format.ts';

export interface PackageSummary {
  name: string;
  version: string;
  license: string;
  sources: string[];
  arches: string[];
  dependencies: string[];
}

export async function packageSummaries(): Promise<PackageSummary[]> {
  return (await loadAllRecipes()).map(({ recipe }) => ({
    name: recipe.name,
    version: recipe.version,
    license: recipe.license,
    sources: recipe.sources.map((source) => source.kind),
    arches: recipe.arches,
    dependencies: recipe.dependencies,
  }));
}

export const packagesCommand = new Command('packages')
  .description('list every recipe: name, version, SPDX license, source kinds, arches')
  .option('--json', 'print JSON instead of a table')
  .action(async (options: { json?: boolean }) => {
    const summaries = await packageSummaries();
    if (options.json) {
      console.log(JSON.stringify(summaries, null, 2));
      return;
    }
    const rows = [
      ['NAME', 'VERSION', 'LICENSE', 'SOURCES', 'ARCHES'],
      ...summaries.map((p) => [p.name, p.version, p.license, p.sources.join(','), p.arches.join(',')]),
    ];
    console.log(formatTable(rows));
  });
