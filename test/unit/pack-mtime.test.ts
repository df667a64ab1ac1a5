import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveMtime } from '../../src/pack/mtime.ts';

describe('archiveMtime', () => {
  const valid: Array<{ in: string | undefined; want: number }> = [
    { in: undefined, want: 0 },
    { in: '', want: 0 },
    { in: '0', want: 0 },
    { in: '1700000000', want: 1_700_000_000 },
    { in: '4294967295', want: 0xffff_ffff },
  ];
  for (const row of valid) {
    it(`SOURCE_DATE_EPOCH=${JSON.stringify(row.in)} gives ${row.want}`, () => {
      const got = archiveMtime({ SOURCE_DATE_EPOCH: row.in });
      assert.equal(got, row.want, `archiveMtime(${JSON.stringify(row.in)}) = ${got}, want ${row.want}`);
    });
  }

  for (const bad of ['-1', '1.5', '1e9', ' 1', 'soon', '0x10']) {
    it(`SOURCE_DATE_EPOCH=${JSON.stringify(bad)} is refused with a hint`, () => {
      assert.throws(
        () => archiveMtime({ SOURCE_DATE_EPOCH: bad }),
        {
          message: `SOURCE_DATE_EPOCH=${bad} is not a whole number of seconds; unset it or give e.g. 1700000000`,
        },
      );
    });
  }

  it('refuses a time the newc header cannot hold', () => {
    assert.throws(() => archiveMtime({ SOURCE_DATE_EPOCH: '4294967296' }), /after 2106/);
  });

  it('reads process.env by default', () => {
    const saved = process.env['SOURCE_DATE_EPOCH'];
    try {
      process.env['SOURCE_DATE_EPOCH'] = '123';
      assert.equal(archiveMtime(), 123);
    } finally {
      if (saved === undefined) delete process.env['SOURCE_DATE_EPOCH'];
      else process.env['SOURCE_DATE_EPOCH'] = saved;
    }
  });
});
