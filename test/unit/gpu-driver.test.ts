/**
 * The GPU driver's build-side pieces that need no build: the driver file and the
 * board's choice of firmware, the marker and nvidia.conf texts the node reads, the
 * vermagic verdict, and the signing key check (PEM pair, key and certificate in one
 * file, DER certificate).
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { loadGpuDriver } from '../../src/gpu/load-gpu-driver.ts';
import { markerText, nodeConfText } from '../../src/gpu/marker.ts';
import { vermagicProblem } from '../../src/gpu/module-info.ts';
import { readSigningKey } from '../../src/gpu/module-signing.ts';
import { loadBoard } from '../../src/plan/load-board.ts';
import { scratchDirs } from '../helpers/run-emb.ts';
import { makeSigningKey } from '../helpers/signing-key.ts';

const { scratch, removeAll } = scratchDirs();
after(removeAll);

test('amd64-nvidia loads its driver, nvidia-open, with the firmware it asks for in the driver order', async () => {
  const { board } = await loadBoard('amd64-nvidia');
  const loaded = await loadGpuDriver(board, 'boards/amd64-nvidia.ts');
  assert.ok(loaded);
  assert.equal(loaded.driver.version, '535.261.03');
  assert.equal(loaded.driver.kind, 'open');
  assert.deepEqual(loaded.firmware, ['tu10x', 'ga10x']);
  assert.deepEqual(loaded.driver.modules, ['nvidia.ko', 'nvidia-modeset.ko', 'nvidia-uvm.ko', 'nvidia-drm.ko']);
  const onlyAmpere = await loadGpuDriver({ ...board, gpu: { driver: 'nvidia-open', firmware: ['ga10x'] } }, 'x.ts');
  assert.deepEqual(onlyAmpere?.firmware, ['ga10x']);
  assert.equal(await loadGpuDriver({ ...board, gpu: undefined }, 'x.ts'), undefined);
});

test('the marker: the four keys, then one sha256 line a module in load order, LF only', () => {
  const text = markerText({
    kernelRelease: '6.1.0-50-amd64',
    driverVersion: '535.261.03',
    driverKind: 'open',
    arch: 'amd64',
    modules: [
      { name: 'drm.ko', sha256: 'a'.repeat(64) },
      { name: 'nvidia.ko', sha256: 'b'.repeat(64) },
    ],
  });
  assert.equal(
    text,
    `kernel=6.1.0-50-amd64\ndriver_version=535.261.03\ndriver_kind=open\narch=x86_64\nsha256.drm.ko=${'a'.repeat(64)}\nsha256.nvidia.ko=${'b'.repeat(64)}\n`,
  );
  assert.ok(!text.includes('\r'));
  assert.match(markerText({ kernelRelease: 'k', driverVersion: 'v', driverKind: 'open', arch: 'aarch64', modules: [] }), /^arch=aarch64$/m);
});

test('nvidia.conf: what the service expects, shell-quoted, sourced by busybox sh as written', async () => {
  const text = nodeConfText({
    driverVersion: '535.261.03',
    driverKind: 'open',
    moduleDir: '/usr/local/lib/nvidia',
    loadOrder: ['drm.ko', 'nvidia.ko'],
    gspOffParameters: ['NVreg_EnableGpuFirmware=0'],
  });
  const dir = await scratch('gpu-conf');
  await writeFile(join(dir, 'nvidia.conf'), text);
  const sourced = await execa('busybox', [
    'sh',
    '-c',
    `. ${join(dir, 'nvidia.conf')}; printf '%s|%s|%s|%s' "$NVIDIA_DRIVER_VERSION" "$NVIDIA_MODULES" "$NVIDIA_GSP_OFF_PARAMS" "$NVIDIA_MODULE_DIR"`,
  ]);
  assert.equal(sourced.stdout, '535.261.03|drm.ko nvidia.ko|NVreg_EnableGpuFirmware=0|/usr/local/lib/nvidia');
});

test('vermagic: equal passes; any difference names the module and both values', () => {
  const kernel = '6.1.0-50-amd64 SMP preempt mod_unload modversions ';
  const facts = { vermagic: kernel, depends: [], parameters: [] };
  assert.equal(vermagicProblem('nvidia.ko', facts, kernel), undefined);
  assert.equal(
    vermagicProblem('nvidia.ko', { ...facts, vermagic: '6.1.0-49-amd64 SMP preempt mod_unload modversions ' }, kernel),
    'nvidia.ko: vermagic "6.1.0-49-amd64 SMP preempt mod_unload modversions" does not match the kernel\'s "6.1.0-50-amd64 SMP preempt mod_unload modversions"',
  );
});

test('signing key: a PEM pair, key and certificate in one file, or a DER certificate; the id changes with either', async () => {
  const dir = await scratch('gpu-signing');
  const { key, cert } = await makeSigningKey(dir, 'emb-unit');
  const der = join(dir, 'cert.der');
  await execa('openssl', ['x509', '-in', cert, '-outform', 'DER', '-out', der]);
  const both = join(dir, 'both.pem');
  await writeFile(both, Buffer.concat([await readFile(key), await readFile(cert)]));
  const pair = await readSigningKey(key, cert);
  assert.equal(pair.certFile, cert);
  const combined = await readSigningKey(both);
  assert.equal(combined.certFile, both);
  const withDer = await readSigningKey(key, der);
  assert.notEqual(pair.id, withDer.id);
  await assert.rejects(readSigningKey(key), /holds no certificate/);
  await assert.rejects(readSigningKey(cert, cert), /no PEM private key/);
});
