// The claim rule on its own, on a real S3-protocol server: eight claimers racing for
// the next number end with eight distinct numbers; on a store that honours
// conditional writes they are exactly the next eight (none left empty); a claimer
// stopped after claiming finds its claim again; and claimers that disagree about the
// store (one conditional, one listing) never hold the same number.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ObjectStore } from '../../src/core/remote/objectStore';
import { openS3ObjectStore } from '../../src/core/remote/s3ObjectStore';
import { claimNumber, liveClaims } from '../../src/core/remote/versionClaims';
import { awsEnv, BUCKET, startS3Server, type TestServer } from './remoteSupport';

Object.assign(process.env, awsEnv());

describe('claiming version numbers', () => {
  let plain: TestServer;
  let conditional: TestServer;
  const stores: ObjectStore[] = [];
  const open = (server: TestServer, prefix: string) => {
    const store = openS3ObjectStore({ name: 'test', bucket: BUCKET, prefix, endpoint: server.endpoint, region: 'us-east-1' });
    stores.push(store);
    return store;
  };
  before(async () => {
    [plain, conditional] = await Promise.all([startS3Server(), startS3Server({ conditional: true })]);
  });
  after(async () => {
    for (const s of stores) s.close();
    await Promise.all([plain.stop(), conditional.stop()]);
  });

  const race = (remote: ObjectStore, exclusive: (i: number) => boolean, n = 8) => Promise.all(Array.from({ length: n }, (_, i) => claimNumber(remote, { series: 'versions', from: 2, published: new Set([1]), claimer: `writer${i}`, token: `t${i}`, exclusive: exclusive(i) })));

  it('on a store that honours conditional writes, eight racers hold v0002 to v0009: distinct, none left empty', async () => {
    const remote = open(conditional, 'eight-conditional');
    const held = await race(remote, () => true);
    assert.deepEqual(
      [...held].sort((a, b) => a - b),
      [2, 3, 4, 5, 6, 7, 8, 9],
    );
    // every held number is a live claim, and there is no other
    assert.deepEqual(
      [...(await liveClaims(remote, 'versions')).keys()].sort((a, b) => a - b),
      [2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('by the listing rule alone, eight racers hold eight distinct numbers (some may be left empty)', async () => {
    const held = await race(open(plain, 'eight-listing'), () => false);
    assert.equal(new Set(held).size, 8, `distinct: ${held.join(', ')}`);
    assert.ok(held.every((n) => n >= 2));
  });

  it('a claimer stopped after claiming holds the same number when it claims again with the same token', async () => {
    const remote = open(conditional, 'again');
    const request = { series: 'versions', from: 2, published: new Set<number>(), claimer: 'alice@laptop.1234', token: 'abcd', exclusive: true };
    assert.equal(await claimNumber(remote, request), 2);
    assert.equal(await claimNumber(remote, request), 2, 'its own claim is found again');
    assert.equal(await claimNumber(remote, { ...request, token: 'other' }), 3, 'another version does not take it');
  });

  it('claimers that disagree about the store (half conditional, half listing) never hold one number twice', async () => {
    const remote = open(conditional, 'mixed');
    for (let round = 0; round < 3; round++) {
      const held = await race(remote, (i) => i % 2 === 0, 6);
      assert.equal(new Set(held).size, 6, `round ${round}: ${held.join(', ')}`);
      // the next round starts after what this one held
      await claimNumber(remote, { series: 'versions', from: Math.max(...held) + 1, published: new Set(), claimer: 'fence', token: `f${round}`, exclusive: true });
    }
  });
});
