// A snapshot drawn once as a plan and written from it (what VS Code does: the counts it
// shows are of the very records it writes): the same version `snapshot` writes, nothing
// written by planning, a review made between the plan and the write left to the next
// version (which `since:` then finds), and a version another process wrote meanwhile
// taken as the parent.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planSnapshot, snapshot, writeSnapshot } from '../../src/core/corpus/snapshot';
import { submitReviews } from '../../src/core/review/reviewActions';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { reviewedWorkspace } from './corpusSupport';
import { tempDir } from './testSupport';

const manifestOf = (corpus: string, v: string) => JSON.parse(readFileSync(join(corpus, 'versions', v, 'manifest.json'), 'utf8'));

describe('a snapshot planned, then written', () => {
  it('planning writes nothing; the plan written is the version snapshot() writes, and its counts are the ones shown', async () => {
    const root = await reviewedWorkspace(200);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const planned = join(tempDir(), 'corpus');
      const plan = planSnapshot(store, planned);
      assert.deepEqual(existsSync(join(planned, 'versions')) ? readdirSync(join(planned, 'versions')) : [], [], 'nothing written by planning');
      const written = writeSnapshot(plan);
      assert.equal(written.version, plan.manifest.version);
      for (const [format, file] of Object.entries(plan.manifest.files)) assert.equal(written.manifest.files[format]!.records, file.records, `${format}: the count shown is the count written`);
      assert.equal(written.manifest.added, plan.manifest.added);

      const direct = join(tempDir(), 'corpus');
      const once = snapshot(store, direct);
      // the same records in the same segments (content-addressed: the same digests)
      for (const [format, file] of Object.entries(once.manifest.files)) assert.equal(written.manifest.files[format]!.sha256, file.sha256, `${format} records`);
    } finally {
      store.close();
    }
  });

  it('a review made between the plan and the write is not in the version, and the next version takes it through since:', async () => {
    const root = await reviewedWorkspace(40);
    const corpus = join(root, 'corpus');
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const plan = planSnapshot(store, corpus);
      const target = listItems(store.database, { limit: 0 })[0]!;
      // a second look at one item, after the plan was drawn: a new correction
      submitReviews(store, [target.caseKey], { verdict: 'model-wrong', correction: 'the corrected sum' }, 'ben');
      const v1 = writeSnapshot(plan);
      assert.ok(!readFileSync(join(corpus, v1.manifest.files.sft!.segments[0]!.path), 'utf8').includes('the corrected sum'), 'the version holds what was drawn');
      // its createdAt is when it was drawn, so the later review counts as after it
      const next = snapshot(store, corpus, { filter: `since:${v1.version}` });
      assert.equal(next.manifest.sources.items, 1, 'exactly the item reviewed after the plan');
      const lines = next.manifest.files.sft!.segments.map((s: { path: string }) => readFileSync(join(corpus, s.path), 'utf8')).join('');
      assert.ok(lines.includes('the corrected sum'));
    } finally {
      store.close();
    }
  });

  it('a version written by another process between the plan and the write becomes the parent', async () => {
    const root = await reviewedWorkspace(40);
    const corpus = join(root, 'corpus');
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const plan = planSnapshot(store, corpus);
      assert.equal(plan.manifest.version, 'v0001');
      const other = snapshot(store, corpus, { filter: 'reviewed tag:g0' });
      assert.equal(other.version, 'v0001');
      const written = writeSnapshot(plan);
      assert.equal(written.version, 'v0002');
      assert.equal(written.manifest.parent, 'v0001');
      const parent = manifestOf(corpus, 'v0001');
      // added counted against the parent it got, not the empty corpus the plan saw
      assert.equal(written.manifest.added, (plan.manifest.added as number) - (Object.values(parent.files) as { records: number }[]).reduce((n, f) => n + f.records, 0));
      assert.equal(written.manifest.removed, 0);
    } finally {
      store.close();
    }
  });
});
