/**
 * A copy of the project's recipes and rootfiles in a scratch folder, for rows that
 * change one of them: emb reads them from there (EMB_PACKAGES_DIR, EMB_ROOTFILES_DIR),
 * so the user's tree is never touched, even when a row fails half way. Recipes import
 * ../../src/define.ts, so src/ is linked beside them; the copies have the same contents,
 * hence the same keys, so everything else comes from the shared cache.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.ts';

export interface ProjectCopy {
  packages: string;
  rootfiles: string;
  env: Record<string, string>;
}

export async function copyProject(root: string): Promise<ProjectCopy> {
  await mkdir(root, { recursive: true });
  const packages = join(root, 'packages');
  const rootfiles = join(root, 'rootfiles');
  await cp(join(projectRoot, 'packages'), packages, { recursive: true });
  await cp(join(projectRoot, 'rootfiles'), rootfiles, { recursive: true });
  await symlink(join(projectRoot, 'src'), join(root, 'src'));
  await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
  return { packages, rootfiles, env: { EMB_PACKAGES_DIR: packages, EMB_ROOTFILES_DIR: rootfiles } };
}

/**
 * A comment line appended to a file of the copy, new text each time (the same edit
 * twice would find its build in the shared cache). `prefix` is the file's comment sign.
 */
export async function touchWithComment(file: string, prefix: '#' | '//'): Promise<void> {
  await appendFile(file, `\n${prefix} touched by npm run bench ${randomUUID()}\n`);
}
