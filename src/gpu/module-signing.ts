import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EmbError } from '../errors.ts';
import { extractDebianPackage } from '../fetch/extract-deb.ts';
import { sha256Hex } from '../fs/hash.ts';
import type { Toolchain } from '../toolchain/toolchain.ts';
import type { ResolvedGpu } from './resolve-gpu.ts';

/** A key and certificate to sign modules with, read and checked at plan time. */
export interface SigningKey {
  keyFile: string;
  certFile: string;
  /** Names the pair in the image key (a hash: the key itself never leaves its file). */
  id: string;
}

const SIGNATURE_TRAILER = Buffer.from('~Module signature appended~\n');

/**
 * Check `emb build --module-signing-key FILE [--module-signing-cert FILE]` before any
 * work: a PEM private key, and a certificate either in its own file (PEM or DER) or in
 * the key file beside the key, as kbuild's signing_key.pem holds both.
 */
export async function readSigningKey(keyFile: string, certFile?: string): Promise<SigningKey> {
  const key = await readFile(keyFile).catch(() => undefined);
  if (key === undefined) throw new EmbError(`--module-signing-key ${keyFile}: cannot read the file`, 'give the path of a PEM private key');
  if (!key.includes('PRIVATE KEY-----')) {
    throw new EmbError(
      `--module-signing-key ${keyFile}: no PEM private key in it`,
      'give the PEM key whose certificate the hosts enrolled (MOK or db)',
    );
  }
  const cert = certFile === undefined ? key : await readFile(certFile).catch(() => undefined);
  if (cert === undefined)
    throw new EmbError(`--module-signing-cert ${certFile}: cannot read the file`, 'give the X.509 certificate, PEM or DER');
  const isPem = cert.includes('-----BEGIN CERTIFICATE-----');
  const isDer = certFile !== undefined && cert[0] === 0x30;
  if (!isPem && !isDer) {
    const where =
      certFile === undefined
        ? `--module-signing-key ${keyFile} holds no certificate`
        : `--module-signing-cert ${certFile}: not an X.509 certificate`;
    throw new EmbError(where, 'give the certificate with --module-signing-cert FILE (PEM or DER)');
  }
  return { keyFile, certFile: certFile ?? keyFile, id: sha256Hex(Buffer.concat([key, cert])) };
}

/**
 * Sign modules with the kernel's own sign-file (from the kbuild package the modules
 * were built with), in the toolchain, in a scratch folder only root can read: the
 * key is copied there and removed with it. Returns the signed bytes by module name.
 */
export async function signModules(
  gpu: ResolvedGpu,
  modules: ReadonlyArray<{ name: string; file: string }>,
  signing: SigningKey,
  env: { cacheRoot: string; toolchain: Toolchain; logFile: string },
): Promise<Map<string, Buffer>> {
  await mkdir(join(env.cacheRoot, 'work'), { recursive: true });
  const scratch = await mkdtemp(join(env.cacheRoot, 'work', `.tmp-${process.pid}-sign-`));
  try {
    await chmod(scratch, 0o700);
    await extractDebianPackage(
      await gpu.headers.kbuild.download(),
      join(scratch, 'kbuild'),
      `module signing: ${gpu.headers.kbuild.pkg.name}`,
    );
    const kbuildName = gpu.headers.kbuild.pkg.name;
    const signFile = join(scratch, 'kbuild', 'usr', 'lib', kbuildName, 'scripts', 'sign-file');
    await copyFile(signing.keyFile, join(scratch, 'key.pem'));
    await copyFile(signing.certFile, join(scratch, 'cert'));
    const signed = new Map<string, Buffer>();
    for (const module of modules) {
      const target = join(scratch, module.name);
      await copyFile(module.file, target);
      const outcome = await env.toolchain.run({
        command: signFile,
        args: ['sha256', join(scratch, 'key.pem'), join(scratch, 'cert'), target],
        cwd: scratch,
        env: { LC_ALL: 'C' },
        logFile: env.logFile,
        mounts: [scratch],
      });
      const data = await readFile(target);
      if (outcome.exitCode !== 0 || !data.subarray(-SIGNATURE_TRAILER.length).equals(SIGNATURE_TRAILER)) {
        throw new EmbError(
          `signing ${module.name} with ${signing.keyFile} failed (${outcome.message ?? `exit code ${outcome.exitCode}`}); log: ${env.logFile}`,
          'check the key and certificate are a pair (openssl x509 -noout -modulus vs openssl rsa -noout -modulus)',
        );
      }
      signed.set(module.name, data);
    }
    return signed;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
