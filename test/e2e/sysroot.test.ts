/**
 * A recipe's built dependencies form its ${SYSROOT}: a library recipe installs a header
 * and a static library (dev files, kept out of the image) and a program recipe
 * compiles against them. Both sources are tarballs made here and served from
 * 127.0.0.1, pinned by their sha256 like any recipe's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { readArtifact } from '../../src/build/artifact.ts';
import { isElf, readElfHeader } from '../../src/elf/index.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';

async function tarballOf(root: string, name: string, files: Record<string, string>): Promise<Buffer> {
  await mkdir(join(root, name), { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(root, name, file), text);
  await execa('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '-czf', join(root, `${name}.tar.gz`), '-C', root, name]);
  return readFile(join(root, `${name}.tar.gz`));
}

test("a dependency's header and static library are in the sysroot, not in the image", { timeout: 300_000 }, async () => {
  const root = await tempDir('sysroot-src');
  const served = new Map<string, Buffer>([
    [
      '/libdemo-1.0.tar.gz',
      await tarballOf(root, 'libdemo-1.0', {
        'demo.h': 'int demo_answer(void);\n',
        'demo.c': '#include "demo.h"\nint demo_answer(void) { return 42; }\n',
      }),
    ],
    [
      '/demo-app-1.0.tar.gz',
      await tarballOf(root, 'demo-app-1.0', {
        'app.c': '#include <demo.h>\n#include <stdio.h>\nint main(void) { printf("%d\\n", demo_answer()); return 0; }\n',
      }),
    ],
  ]);
  const server = createServer((request, response) => {
    const body = served.get(request.url ?? '');
    response.statusCode = body ? 200 : 404;
    response.end(body ?? 'not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const packages = await tempDir('packages');
    await writeFile(join(packages, 'package.json'), '{"type":"module"}\n');
    const recipe = (name: string, extra: string): string =>
      `export default { name: '${name}', version: '1.0', license: 'MIT', description: 'sysroot test', arches: ['aarch64', 'armhf'], ` +
      `sources: [{ kind: 'tarball', url: '${base}/${name}-1.0.tar.gz', sha256: '${createHash('sha256')
        .update(served.get(`/${name}-1.0.tar.gz`)!)
        .digest('hex')}' }], ${extra} };\n`;
    await mkdir(join(packages, 'libdemo'));
    await writeFile(
      join(packages, 'libdemo', 'recipe.ts'),
      recipe(
        'libdemo',
        `steps: () => [
      { run: ['\${CC}', '-c', '-O2', 'demo.c', '-o', 'demo.o'] },
      { run: ['\${AR}', 'rcs', 'libdemo.a', 'demo.o'] },
      { run: ['install', '-D', '-m', '0644', 'libdemo.a', '\${DESTDIR}/usr/lib/libdemo.a'] },
      { run: ['install', '-D', '-m', '0644', 'demo.h', '\${DESTDIR}/usr/include/demo.h'] },
      { write: 'README.emb', content: 'a file that stays in the source tree' },
      { run: ['install', '-D', '-m', '0644', 'README.emb', '\${DESTDIR}/usr/share/doc/libdemo/README'] },
      { run: ['install', '-D', '-m', '0644', 'README.emb', '\${DESTDIR}/etc/libdemo.conf'] },
    ]`,
      ),
    );
    await mkdir(join(packages, 'demo-app'));
    await writeFile(
      join(packages, 'demo-app', 'recipe.ts'),
      recipe(
        'demo-app',
        `dependencies: ['libdemo'], steps: () => [
      { run: ['\${CC}', '-O2', '-static', '-I\${SYSROOT}/usr/include', 'app.c', '\${SYSROOT}/usr/lib/libdemo.a', '-o', 'demo-app'] },
      { run: ['install', '-D', '-m', '0755', 'demo-app', '\${DESTDIR}/usr/bin/demo-app'] },
    ]`,
      ),
    );
    const cache = await tempDir('cache');
    const result = await runEmb(['package', 'build', 'demo-app', '--arch', 'armhf'], { EMB_PACKAGES_DIR: packages, EMB_CACHE_DIR: cache });
    assert.equal(result.exitCode, 0, `build failed:\n${result.stdout}\n${result.stderr}`);
    const artifact = (id: string): string => new RegExp(`^${id} .*\\n {2}artifact: (\\S+)$`, 'm').exec(String(result.stdout))![1]!;
    const library = await readArtifact(artifact('armhf/libdemo'));
    assert.deepEqual(
      library.filter((entry) => entry.type === 'file').map((entry) => entry.path),
      ['/etc/libdemo.conf'],
      'only the runtime file; no header, static library or doc',
    );
    const dev = await readArtifact(artifact('armhf/libdemo').replace(/\.tar$/, '.dev.tar'));
    assert.deepEqual(
      dev
        .filter((entry) => entry.type === 'file')
        .map((entry) => entry.path)
        .sort(),
      ['/usr/include/demo.h', '/usr/lib/libdemo.a'],
    );
    const app = (await readArtifact(artifact('armhf/demo-app'))).find((entry) => entry.path === '/usr/bin/demo-app');
    assert.ok(app?.type === 'file' && isElf(app.data), 'demo-app was linked');
    assert.equal(readElfHeader(app.data, app.path).machine, 40, 'an armhf binary');
  } finally {
    server.close();
  }
});
