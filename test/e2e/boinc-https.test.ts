/**
 * Issue 13: BOINC's client with emb's own libcurl (HTTP and HTTPS through OpenSSL,
 * zlib; none of Debian's libcurl4 tree) still reaches a project over HTTPS.
 * A stand-in on the host's loopback (test/helpers/boinc-project-stand-in.ts) replaces
 * the real BOINC project server, which cannot be reached from here; the node reaches
 * it as 10.0.2.2 through QEMU's user network. Its certificate comes from a CA made for
 * this test and put where libcurl looks by default (/etc/ssl/certs/ca-certificates.crt,
 * the path the curl recipe compiles in) through a copy of rootfiles/, so the image the
 * repository builds is not changed. A second stand-in with a certificate from a CA the
 * node does not trust must see its handshakes refused and no request: the client
 * checks certificates.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, writeFile, chown } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { bootAndCheck, type GuestShell } from '../../src/boot/run-qemu.ts';
import { readManifest } from '../../src/pipeline/dist-output.ts';
import { projectRoot } from '../../src/paths.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { boincOwner, boincPlatform, storageDisk } from '../helpers/boinc-state.ts';
import {
  type BoincProjectStandIn,
  makeTestPki,
  type ProjectRequest,
  standInProject,
  startBoincProjectStandIn,
} from '../helpers/boinc-project-stand-in.ts';
import { runEmb, tempDir } from '../helpers/run-emb.ts';
import { waitFor } from '../helpers/wait-for.ts';

const boardName = 'qemu-aarch64';
/** Where QEMU's user network puts the host's loopback, as the node sees it. */
const hostFromGuest = '10.0.2.2';
const authenticator = 'emb-https-test-authenticator';
const { board } = await loadBoard(boardName);
const work = await tempDir('boinc-https');
const outRoot = join(work, 'dist');
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await execa('rm', ['-rf', work]);
});

const trusted = await makeTestPki(work, hostFromGuest, 'trusted');
const untrusted = await makeTestPki(work, hostFromGuest, 'untrusted');

test('emb build writes the default board with the test CA in the default CA bundle', { timeout: 20 * 60_000 }, async () => {
  const rootfiles = join(work, 'rootfiles');
  await cp(join(projectRoot, 'rootfiles'), rootfiles, { recursive: true, verbatimSymlinks: true });
  await mkdir(join(rootfiles, 'etc', 'ssl', 'certs'), { recursive: true });
  await cp(trusted.caCert, join(rootfiles, 'etc', 'ssl', 'certs', 'ca-certificates.crt'));
  const result = await runEmb(['build', '--board', boardName, '--out', outRoot], { EMB_ROOTFILES_DIR: rootfiles });
  assert.equal(result.exitCode, 0, `emb build failed:\n${result.stdout}\n${result.stderr}`);
  // The client's libcurl is the curl recipe's, and Debian's libcurl4 tree is not in the image.
  const manifest = await readManifest(join(outRoot, boardName));
  assert.ok(manifest);
  const { files } = manifest;
  const libcurl = files.find((file) => file.path === '/usr/lib/aarch64-linux-gnu/libcurl.so.4');
  assert.equal(libcurl?.layer, 'curl', `libcurl.so.4 comes from the curl recipe: ${JSON.stringify(libcurl)}`);
  const dropped =
    /\/lib(gnutls|ldap|lber|krb5|gssapi_krb5|k5crypto|nghttp2|rtmp|ssh2|idn2|psl|brotli\w*|p11-kit|sasl2|unistring|hogweed|nettle|gmp|tasn1|zstd)\.so/;
  assert.deepEqual(
    files.filter((file) => dropped.test(file.path)).map((file) => file.path),
    [],
    "no library of Debian's libcurl4 tree",
  );
});

/** boinccmd on the node, in the client's data folder (it reads gui_rpc_auth.cfg there). */
const boinccmd = (guest: GuestShell, args: string): Promise<{ output: string; status: number }> =>
  guest(`cd /storage/boinc && boinccmd ${args} 2>&1`, 30_000);

/** boinccmd's answer without its "operation in progress" lines, on one line. */
const answerOf = (output: string): string =>
  output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('poll status: operation in progress'))
    .join(' | ');

const described = (requests: readonly ProjectRequest[]): string =>
  JSON.stringify(requests.map(({ method, path, tls }) => ({ method, path, tls })));

function startStandIn(pki: Parameters<typeof startBoincProjectStandIn>[0]): Promise<BoincProjectStandIn> {
  return startBoincProjectStandIn(pki, hostFromGuest).then((standIn) => {
    cleanups.push(() => standIn.close());
    return standIn;
  });
}

test('the BOINC client asks a project over HTTPS and attaches to it; a certificate from an unknown CA is refused', {
  timeout: 8 * 60_000,
}, async (t) => {
  const project = await startStandIn(trusted);
  const stranger = await startStandIn(untrusted);
  // Persistent storage, without which the client does not run; no benchmarks, so it
  // contacts the scheduler as soon as it knows where it is.
  const seed = join(work, 'seed');
  const data = join(seed, 'boinc');
  const owner = await boincOwner();
  await mkdir(data, { recursive: true });
  await writeFile(join(data, 'cc_config.xml'), '<cc_config><options><skip_cpu_benchmarks>1</skip_cpu_benchmarks></options></cc_config>\n');
  for (const path of [data, join(data, 'cc_config.xml')]) await chown(path, owner.uid, owner.gid);
  const disk = join(work, 'storage.img');
  await storageDisk(disk, seed);

  const outDir = join(outRoot, boardName);
  const manifest = await readManifest(outDir);
  assert.ok(manifest, 'the build wrote a manifest');
  const result = await bootAndCheck({
    board,
    outDir,
    kernelFile: manifest.kernel.file,
    timeoutSeconds: 300,
    logFile: join(outDir, 'console-boinc-https.log'),
    append: 'uebo.boinc.password=https-test-secret',
    qemuArgs: ['-drive', `file=${disk},if=none,format=raw,id=d0`, '-device', 'virtio-blk-pci,drive=d0'],
    whileUp: async (guest) => {
      // On a failure, what the client logged and what each stand-in saw.
      const explained = async <T>(step: Promise<T>): Promise<T> =>
        step.catch(async (error: unknown) => {
          const log = (await guest('tail -n 40 /var/log/boinc/current')).output;
          throw new Error(
            `${String(error)}\nproject stand-in: ${described(project.requests)} ${JSON.stringify(project.handshakeErrors)}\nuntrusted stand-in: ${described(stranger.requests)} ${JSON.stringify(stranger.handshakeErrors)}\n/var/log/boinc/current:\n${log}`,
          );
        });
      await explained(
        waitFor('the BOINC client answers boinccmd', 60, async () =>
          (await boinccmd(guest, '--client_version')).output.includes('Client version') ? true : undefined,
        ),
      );

      // The client reports the libraries it runs with: curl's, with OpenSSL and zlib and nothing else.
      const startup = (await guest('grep -m 1 "Libraries:" /var/log/boinc/current')).output;
      assert.match(startup, /Libraries: libcurl\/7\.88\.1 OpenSSL\/3\.0\.\d+ zlib\/1\.2\.13\s*$/m);

      // The project's configuration: one GET of get_project_config.php; boinccmd waits for the client's parsed answer.
      const config = await explained(
        boinccmd(guest, `--get_project_config ${project.masterUrl}`).then(({ output }) => {
          assert.match(output, new RegExp(standInProject.name), `boinccmd --get_project_config: ${output}`);
          return output;
        }),
      );
      t.diagnostic(`get_project_config: ${answerOf(config)}`);
      const configRequest = project.requests.find((request) => request.path === '/emb/get_project_config.php');
      assert.ok(configRequest, `the stand-in saw get_project_config.php: ${described(project.requests)}`);
      assert.match(configRequest.tls, /^TLSv1\.[23]$/);
      assert.match(String(configRequest.headers['user-agent']), new RegExp(`BOINC client \\(${boincPlatform[board.arch]} 7\\.20\\.5\\)`));
      // The client accepts every encoding libcurl decodes: zlib's two, no brotli or zstd.
      assert.equal(configRequest.headers['accept-encoding'], 'deflate, gzip');

      // Attach: the client fetches the master page, finds the scheduler there and sends it a request with the account's key.
      const attach = await boinccmd(guest, `--project_attach ${project.masterUrl} ${authenticator}`);
      assert.equal(attach.status, 0, `boinccmd --project_attach: ${attach.output}`);
      const schedulerRequest = await explained(
        waitFor('the scheduler request', 120, async () =>
          project.requests.find((request) => request.method === 'POST' && request.path === standInProject.schedulerPath),
        ),
      );
      assert.ok(
        project.requests.some((request) => request.method === 'GET' && request.path === '/emb/'),
        `the master page was fetched: ${described(project.requests)}`,
      );
      assert.match(schedulerRequest.tls, /^TLSv1\.[23]$/);
      assert.match(schedulerRequest.body, /<scheduler_request>/);
      assert.match(schedulerRequest.body, new RegExp(`<authenticator>${authenticator}</authenticator>`));
      assert.match(schedulerRequest.body, new RegExp(`<platform_name>${boincPlatform[board.arch]}</platform_name>`));
      t.diagnostic(`stand-in saw, all over TLS: ${described(project.requests)}`);

      // A server whose certificate no trusted CA signed: the handshake fails and nothing is asked.
      const refused = (await boinccmd(guest, `--get_project_config ${stranger.masterUrl}`)).output;
      await explained(
        waitFor('a refused handshake at the untrusted stand-in', 60, async () => (stranger.handshakeErrors.length > 0 ? true : undefined)),
      );
      assert.doesNotMatch(refused, new RegExp(standInProject.name));
      assert.match(refused, /HTTP error/, `boinccmd --get_project_config of the untrusted project: ${refused}`);
      assert.deepEqual(stranger.requests, [], 'no request reached the server with the unknown CA');
      t.diagnostic(`untrusted stand-in: ${stranger.handshakeErrors[0]}; client: ${answerOf(refused)}`);
    },
  });
  assert.ok(result.ok, `boot failed: ${result.failure ?? ''}\n${result.consoleTail}`);
});
