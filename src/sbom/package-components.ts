import { poolPath } from '../fetch/debian-mirrors.ts';
import type { Manifest } from '../pack/manifest.ts';
import type { Recipe } from '../schema/recipe.ts';
import type { DebComponents } from './deb-components.ts';
import { importedDebs, tarballSha256 } from './debian-identity.ts';
import { declaredLicense } from './recipe-license.ts';
import type { SbomComponent } from './sbom-model.ts';

type ManifestSource = Manifest['sources'][string];

/** Where a tarball or debian-orig source came from: every recipe source with the same bytes. */
function tarballFacts(source: ManifestSource, recipe: Recipe | undefined): Pick<SbomComponent, 'sha256' | 'downloadUrls' | 'properties'> {
  const sha256 = tarballSha256(source.identity);
  const same = (recipe?.sources ?? []).filter((candidate) => candidate.kind !== 'debian-binary' && candidate.sha256 === sha256);
  const properties: Array<[string, string]> = [];
  const downloadUrls: string[] = [];
  for (const candidate of same) {
    if (candidate.kind === 'tarball') downloadUrls.push(candidate.url);
    if (candidate.kind === 'debian-orig') {
      properties.push(
        ['emb:debian-source-package', candidate.package],
        ['emb:debian-pool-path', poolPath(candidate.package, candidate.file)],
      );
    }
  }
  return { sha256, downloadUrls, properties };
}

/**
 * Each package of the image (a recipe, per arch) as built: its version, the source
 * the fetch stage chose (a tarball's URL and sha256, Debian's pool file, or the Debian
 * packages imported), its license from the recipe. A debian-binary package depends on
 * the .debs that put files into its layer: a library package that gave nothing (its
 * libraries were already provided) is not in the image, so it is not listed.
 */
export async function packageComponents(
  manifest: Manifest,
  recipes: ReadonlyMap<string, Recipe>,
  layerPaths: ReadonlyMap<string, ReadonlySet<string>>,
  debs: DebComponents,
): Promise<SbomComponent[]> {
  const components: SbomComponent[] = [];
  for (const [layer, source] of Object.entries(manifest.sources)) {
    const name = layer.split('/').pop() ?? layer;
    const recipe = recipes.get(name);
    const component: SbomComponent = {
      ref: `package:${layer}`,
      type: 'application',
      name,
      version: source.version,
      description: recipe?.description,
      buildOnly: (layerPaths.get(layer)?.size ?? 0) === 0,
      license: recipe ? declaredLicense(recipe.license) : { kind: 'unknown' },
      downloadUrls: [],
      properties: [
        ['emb:arch', source.arch],
        ['emb:layer', layer],
        ['emb:source-kind', source.kind],
        ['emb:package-key', source.key],
        ['emb:files-in-image', String(layerPaths.get(layer)?.size ?? 0)],
      ],
      dependsOn: [],
    };
    const imported = importedDebs(source.identity);
    if (imported === undefined) {
      const facts = tarballFacts(source, recipe);
      component.sha256 = facts.sha256;
      component.downloadUrls = facts.downloadUrls;
      component.properties.push(...facts.properties);
    } else {
      const [main] = imported;
      component.sha256 = main?.sha256;
      if (main) component.properties.push(['emb:debian-package', `${main.name}:${main.debianArch}=${main.version}`]);
      const inLayer = layerPaths.get(layer) ?? new Set<string>();
      for (const deb of imported) {
        const facts = await debs.facts(deb);
        // Without the .deb its files cannot be checked: listed, since the build imported from it.
        const shipped = facts === undefined || [...facts.paths].some((path) => inLayer.has(path));
        if (shipped) component.dependsOn.push(await debs.add(deb, deb === main ? 'application' : 'library'));
      }
    }
    components.push(component);
  }
  return components;
}
