import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasUserNetwork, withHostForwards } from '../../src/boot/qemu-args.ts';

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

test('hasUserNetwork: a -netdev user or -nic user device, not another kind or a lookalike value', () => {
  assert.equal(hasUserNetwork(devices), true);
  assert.equal(hasUserNetwork(['-nic', 'user,model=allwinner-sun8i-emac']), true);
  assert.equal(hasUserNetwork(['-netdev', 'tap,id=n0', '-device', 'virtio-net-pci,netdev=n0']), false);
  assert.equal(hasUserNetwork(['-device', 'user,id=x']), false);
});
