// The Corpus tree's view model, read from a real corpus folder: versions newest first
// with their counts, a version's files, a file's first records, the slices and their
// versions, and nothing (rather than an error) for a missing or damaged corpus.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { CorpusLayout } from '../../src/core/corpus/corpusLayout';
import { pinSlice } from '../../src/core/corpus/slices';
import { snapshot } from '../../src/core/corpus/snapshot';
import { submitReviews } from '../../src/core/review/reviewActions';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { corpusChildren, type CorpusNode } from '../../src/core/views/corpusTreeModel';
import { fixture, tempDir } from './testSupport';

describe('Corpus tree view model', () => {
  it('lists versions newest first, their files and records, and slices with their versions', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await capturePaths(store, [fixture('inspect_ai')]);
      const dir = join(root, 'corpus');
      submitReviews(store, ['inspect/popularity/id:1'], { verdict: 'model-wrong', correction: 'Yes' }, 'ana');
      snapshot(store, dir);
      submitReviews(store, ['inspect/inspect_evals/arc_easy/id:2'], { verdict: 'model-wrong', correction: 'ANSWER: B' }, 'ana');
      snapshot(store, dir);
      pinSlice(store, dir, 'heldout', 'verdict:model-wrong', { includeTrained: true });
      const layout = new CorpusLayout(dir);

      const groups = corpusChildren(layout);
      assert.deepEqual(groups, [
        { kind: 'group', group: 'versions' },
        { kind: 'group', group: 'slices' },
      ]);
      const versions = corpusChildren(layout, groups[0]);
      assert.deepEqual(
        versions.map((v) => v.kind === 'version' && v.version),
        ['v0002', 'v0001'],
      );
      const newest = versions[0] as Extract<CorpusNode, { kind: 'version' }>;
      assert.match(newest.description, /^\d+ records · \+\d+ −\d+ · \d{4}-\d\d-\d\d \d\d:\d\d$/);
      assert.match(newest.tooltip ?? '', /^policy \(ad hoc\): reviewed\nparent v0001\n/);

      const files = corpusChildren(layout, newest);
      assert.ok(files.length > 0);
      const withRecords = files.find((f) => f.kind === 'file' && f.records > 0) as Extract<CorpusNode, { kind: 'file' }>;
      const records = corpusChildren(layout, withRecords);
      assert.equal(records.length, withRecords.records);
      assert.ok(records.every((r, i) => r.kind === 'record' && r.line === i && JSON.parse(r.text)));

      const slices = corpusChildren(layout, groups[1]);
      assert.deepEqual(slices, [{ kind: 'slice', slice: 'heldout' }]);
      assert.deepEqual(corpusChildren(layout, slices[0]), [{ kind: 'sliceVersion', slice: 'heldout', version: 'v0001', cases: 2 }]);

      // a damaged manifest: the version is still listed, saying so; its files are not
      writeFileSync(join(layout.versionDir('v0002'), 'manifest.json'), '{ not json');
      const damaged = corpusChildren(layout, groups[0])[0] as Extract<CorpusNode, { kind: 'version' }>;
      assert.match(damaged.description, /^unreadable manifest: .*not valid JSON/);
      assert.deepEqual(corpusChildren(layout, damaged), []);
    } finally {
      store.close();
    }
  });

  it('has no nodes while the corpus folder does not exist', () => {
    assert.deepEqual(corpusChildren(new CorpusLayout(join(tempDir(), 'corpus'))), []);
  });
});
