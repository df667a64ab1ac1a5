import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEmbError } from '../../src/errors.ts';
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

  for (const bad of ['-1', '-1700000000', '1.5', '1e9', ' 1', 'soon', 'abc', '0x10']) {
    it(`SOURCE_DATE_EPOCH=${JSON.stringify(bad)} is a user error with a hint`, () => {
      assert.throws(
        () => archiveMtime({ SOURCE_DATE_EPOCH: bad }),
        (error: unknown) => {
          assert.ok(isEmbError(error), 'an EmbError: one line, not an internal error');
          assert.equal(error.message, `SOURCE_DATE_EPOCH=${bad} is not a whole number of seconds since 1970 (0 or more)`);
          assert.equal(error.hint, 'unset it or give e.g. SOURCE_DATE_EPOCH=1700000000');
          return true;
        },
      );
    });
  }

  for (const huge of ['4294967296', '99999999999999999999999']) {
    it(`refuses SOURCE_DATE_EPOCH=${huge}, a time the newc header cannot hold`, () => {
      assert.throws(
        () => archiveMtime({ SOURCE_DATE_EPOCH: huge }),
        (error: unknown) => isEmbError(error) && /after 2106-02-07/.test(error.message),
      );
    });
  }

  it('reads process.env by default', () => {
    const saved = process.env.SOURCE_DATE_EPOCH;
    try {
      process.env.SOURCE_DATE_EPOCH = '123';
      assert.equal(archiveMtime(), 123);
    } finally {
      if (saved === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = saved;
    }
  });
});
