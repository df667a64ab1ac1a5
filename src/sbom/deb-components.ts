import { cachedDebPath, readDebFacts, type DebFacts } from './deb-facts.ts';
import { debianPurl, type ImportedDeb } from './debian-identity.ts';
import type { SbomComponent } from './sbom-model.ts';

export interface DebComponentSource {
  cacheRoot: string;
  /** Said once per .deb that is no longer in the cache. */
  warn: (line: string) => void;
}

/**
 * Debian packages as components, each once however many recipes (or the kernel, or a
 * GPU driver) imported it; their facts (file list, copyright) read from the cached .deb.
 */
export class DebComponents {
  readonly #byRef = new Map<string, SbomComponent>();
  readonly #facts = new Map<string, Promise<DebFacts | undefined>>();
  readonly #env: DebComponentSource;

  constructor(env: DebComponentSource) {
    this.#env = env;
  }

  static refOf(deb: Pick<ImportedDeb, 'name' | 'debianArch' | 'version'>): string {
    return `deb:${deb.name}:${deb.debianArch}=${deb.version}`;
  }

  /** The .deb's file list and license, or undefined when the cache no longer has it (said once). */
  facts(deb: Pick<ImportedDeb, 'name' | 'sha256' | 'version'>): Promise<DebFacts | undefined> {
    let facts = this.#facts.get(deb.sha256);
    if (facts === undefined) {
      facts = cachedDebPath(this.#env.cacheRoot, deb.sha256).then((path) => {
        if (path !== undefined) return readDebFacts(path, deb.name);
        this.#env.warn(`${deb.name} ${deb.version} is no longer in the cache, so its license is unknown (emb build fetches it again)`);
        return undefined;
      });
      this.#facts.set(deb.sha256, facts);
    }
    return facts;
  }

  /** The component of `deb` (made on first use); `type` is taken from the first use. */
  async add(deb: ImportedDeb, type: SbomComponent['type'], properties: Array<[string, string]> = []): Promise<string> {
    const facts = await this.facts(deb);
    const debianArch = facts?.debianArch ?? deb.debianArch;
    const ref = DebComponents.refOf({ ...deb, debianArch });
    if (this.#byRef.has(ref)) return ref;
    this.#byRef.set(ref, {
      ref,
      type,
      name: deb.name,
      version: deb.version,
      license: facts?.license ?? { kind: 'unknown' },
      sha256: deb.sha256,
      purl: debianPurl({ ...deb, debianArch }),
      downloadUrls: [],
      properties: [['emb:debian-arch', debianArch], ...properties],
      dependsOn: [],
    });
    return ref;
  }

  all(): SbomComponent[] {
    return [...this.#byRef.values()];
  }
}
