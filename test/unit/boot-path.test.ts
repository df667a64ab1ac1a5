import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootPathOf, formatBootPath, stepSeconds } from '../../src/boot/boot-path.ts';

test("the boot path comes from /init's EMB-STAGE lines and the ready line's uptime", () => {
  const transcript =
    '[    0.27] Trying to unpack rootfs image as initramfs...\nEMB-STAGE init uptime=5.12\nemb-init: something\nEMB-STAGE runit uptime=5.80\n';
  const path = bootPathOf(transcript, 'EMB-READY board=qemu-aarch64 hostname=h kernel=6.1.0-50-arm64 uptime=6.05');
  assert.deepEqual(path, { init: 5.12, runit: 5.8, ready: 6.05 });
  assert.equal(formatBootPath(path), 'boot path (guest clock): kernel to /init 5.12 s, /init to runit 0.68 s, runit to ready 0.25 s');
  assert.equal(bootPathOf('no stage lines\n', 'EMB-READY uptime=6.05'), undefined, 'an older image prints none');
});

test("/init's steps are each timed from their stage line to the next one", () => {
  const transcript =
    'EMB-STAGE init uptime=2.50\nEMB-STAGE modules uptime=2.80\nemb-modules: 12 loaded, 0 failed\nEMB-STAGE ro-layer uptime=3.40\nEMB-STAGE storage uptime=3.60\nEMB-STAGE runit uptime=3.75\n';
  const path = bootPathOf(transcript, 'EMB-READY board=b hostname=h kernel=k uptime=3.90');
  assert.ok(path);
  assert.deepEqual(path.steps, [
    { name: 'modules', start: 2.8 },
    { name: 'ro-layer', start: 3.4 },
    { name: 'storage', start: 3.6 },
  ]);
  assert.equal(stepSeconds(path, 'storage')?.toFixed(2), '0.15');
  assert.equal(stepSeconds(path, 'network'), undefined);
  assert.equal(
    formatBootPath(path),
    'boot path (guest clock): kernel to /init 2.50 s, /init to runit 1.25 s (modules 0.60 s, ro-layer 0.20 s, storage 0.15 s), runit to ready 0.15 s',
  );
});
