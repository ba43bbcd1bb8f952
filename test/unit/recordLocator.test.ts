// A record's locator as capture stores it and as it is read back to open the result
// file there: every kind of locator survives the round trip.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorLocator, errorPlace, formatLocator, parseLocator } from '../../src/core/capture/recordLocator';

describe('record locators', () => {
  it('a line, an index and an entry are stored as text and read back as they were', () => {
    assert.equal(formatLocator({ line: 12, offset: 400 }), 'line 12');
    assert.equal(formatLocator({ index: 3 }), 'record 3');
    assert.equal(formatLocator({ entry: 'samples/7_epoch_1.json', index: 7 }), 'samples/7_epoch_1.json');
    assert.equal(formatLocator({}), undefined);
    assert.deepEqual(parseLocator('line 12'), { line: 12 });
    assert.deepEqual(parseLocator('record 3'), { index: 3 });
    assert.deepEqual(parseLocator('samples/7_epoch_1.json'), { entry: 'samples/7_epoch_1.json' });
    assert.equal(parseLocator(null), undefined);
    assert.equal(parseLocator(''), undefined);
  });

  it('a record error names its line, else its entry or index', () => {
    assert.equal(errorPlace(errorLocator({ line: 4, index: 2 })), 'line 4');
    assert.equal(errorPlace(errorLocator({ entry: 'samples/1.json', index: 1 })), 'record samples/1.json');
    assert.equal(errorPlace(errorLocator({ index: 0 })), 'record 0');
    assert.equal(errorPlace(errorLocator({})), '');
  });
});
