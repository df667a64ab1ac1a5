import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withHostForwards } from '../../src/boot/qemu-args.ts';

const devices = ['-netdev', 'user,id=net0', '-device', 'virtio-net-pci,netdev=net0'];

test('withHostForwards appends hostfwd rules on loopback to the user-mode netdev', () => {
  assert.deepEqual(
    withHostForwards(devices, [
      { hostPort: 19100, guestPort: 9100 },
      { hostPort: 19109, guestPort: 9109 },
    ]),
    [
      '-netdev',
      'user,id=net0,hostfwd=tcp:127.0.0.1:19100-:9100,hostfwd=tcp:127.0.0.1:19109-:9109',
      '-device',
      'virtio-net-pci,netdev=net0',
    ],
  );
});

test('withHostForwards leaves the devices alone without forwards, and refuses a board without user-mode networking', () => {
  assert.deepEqual(withHostForwards(devices, []), devices);
  assert.throws(() => withHostForwards(['-netdev', 'tap,id=n0'], [{ hostPort: 1, guestPort: 2 }]), /user-mode network/);
});
