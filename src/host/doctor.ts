import { execa } from 'execa';
import type { Arch } from '../schema/board.ts';
import { hostDebianArch, toolchainPackagesFor, readPackageList } from '../toolchain/package-lists.ts';
import { archInfoOf } from '../plan/arch-info.ts';
import { isDockerEngineAnswering, hasImage } from '../toolchain/docker-engine.ts';
import { toolchainImageTag } from '../toolchain/toolchain-image.ts';

/** One line of `emb doctor`: what was checked, whether it is fine, and the fix. */
export interface DoctorFinding {
  what: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** Debian packages of `names` that dpkg does not have installed. */
export async function missingDebianPackages(names: readonly string[]): Promise<string[]> {
  const result = await execa('dpkg-query', ['-W', '-f', '${Package}\t${Status}\n', ...names], { reject: false });
  const installed = new Set(
    result.stdout
      .split('\n')
      .filter((line) => line.endsWith('install ok installed'))
      .map((line) => {
        const [name = ''] = line.split('\t'); // split always gives at least one field
        return name.replace(/:.*$/, '');
      }),
  );
  return names.filter((name) => !installed.has(name));
}

async function foreignArchitectures(): Promise<string[]> {
  const result = await execa('dpkg', ['--print-foreign-architectures'], { reject: false });
  return result.stdout.split('\n').filter(Boolean);
}

/**
 * Check the host toolchain for `arches` and the QEMU/packing tools, from the same
 * package lists the Dockerfile installs; report the Docker toolchain's state too (it
 * is optional, so it never fails the check).
 */
export async function diagnoseHost(arches: readonly Arch[]): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = [];
  const hostArch = await hostDebianArch();
  const toolchain = await toolchainPackagesFor(arches, hostArch);
  const missingToolchain = await missingDebianPackages(toolchain);
  findings.push({
    what: `host toolchain for ${arches.join(', ')}`,
    ok: missingToolchain.length === 0,
    detail: missingToolchain.length === 0 ? `${toolchain.length} packages installed` : `missing: ${missingToolchain.join(' ')}`,
    fix: missingToolchain.length ? `apt-get install --no-install-recommends ${missingToolchain.join(' ')}` : undefined,
  });
  const hostOnly = await readPackageList('host-only');
  const missingHost = await missingDebianPackages(hostOnly);
  findings.push({
    what: 'packing, Debian imports and QEMU',
    ok: missingHost.length === 0,
    detail: missingHost.length === 0 ? `${hostOnly.length} packages installed` : `missing: ${missingHost.join(' ')}`,
    fix: missingHost.length ? `apt-get install --no-install-recommends ${missingHost.join(' ')}` : undefined,
  });
  const foreign = await foreignArchitectures();
  const neededArches = [...new Set(arches.map((arch) => archInfoOf(arch).debianArch))].filter((arch) => arch !== hostArch);
  const missingArches = neededArches.filter((arch) => !foreign.includes(arch));
  findings.push({
    what: 'dpkg architectures for Debian imports',
    ok: missingArches.length === 0,
    detail: missingArches.length === 0 ? `${[hostArch, ...foreign].join(', ')}` : `not added: ${missingArches.join(', ')}`,
    fix: missingArches.length
      ? `${missingArches.map((arch) => `dpkg --add-architecture ${arch}`).join(' && ')} && apt-get update`
      : undefined,
  });
  const engine = await isDockerEngineAnswering();
  const tag = await toolchainImageTag();
  const image = engine && (await hasImage(tag));
  findings.push({
    what: 'docker toolchain (optional)',
    ok: true,
    detail: !engine
      ? 'no Docker engine answers: builds use the host toolchain'
      : image
        ? `engine answers, image ${tag} present: builds use it by default`
        : `engine answers, image ${tag} not built yet`,
    fix: engine && !image ? 'emb toolchain base && emb toolchain build' : undefined,
  });
  return findings;
}
