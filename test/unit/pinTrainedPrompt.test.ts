// The palette's Pin Eval Slice… and the review panel's Pin… (both pinItems) ask in a
// modal before pinning cases that training versions already hold, naming the versions
// and the count, and pin them (recorded as known contamination) only when confirmed.
// A small adapter test: the `vscode` module is a stand-in recording what was shown.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { snapshot } from '../../src/core/corpus/snapshot';
import { submitReviews } from '../../src/core/review/reviewActions';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import type { StoreSession } from '../../src/extension/storeSession';
import { fixture, tempDir } from './testSupport';

interface Shown {
  kind: 'warning' | 'info';
  message: string;
  options?: { modal?: boolean; detail?: string };
  buttons: string[];
}

const shown: Shown[] = [];
let answer: string | undefined;

const fakeVscode = {
  window: {
    showInputBox: async () => 'persona',
    showWarningMessage: async (message: string, options: Shown['options'], ...buttons: string[]) => {
      shown.push({ kind: 'warning', message, options, buttons });
      return answer;
    },
    showInformationMessage: async (message: string) => {
      shown.push({ kind: 'info', message, buttons: [] });
      return undefined;
    },
  },
  workspace: { getConfiguration: () => ({ get: () => undefined }) },
};

// `vscode` exists only inside VS Code: resolve it to the stand-in
const FAKE_ID = '\u0000fake-vscode';
const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolveFilename = resolver._resolveFilename;
resolver._resolveFilename = (request, ...rest) => (request === 'vscode' ? FAKE_ID : resolveFilename(request, ...rest));
require.cache[FAKE_ID] = { id: FAKE_ID, filename: FAKE_ID, loaded: true, exports: fakeVscode } as unknown as NodeJS.Module;

async function trainedWorkspace(): Promise<{ root: string; store: WorkspaceStore; session: StoreSession }> {
  const root = tempDir();
  const store = await WorkspaceStore.open(root, 'default');
  await capturePaths(store, [fixture('inspect_ai')]);
  submitReviews(store, ['inspect/popularity/id:1'], { verdict: 'model-wrong', correction: 'Yes', tags: ['persona'] }, 'ana');
  submitReviews(store, ['inspect/inspect_evals/arc_easy/id:2'], { verdict: 'model-wrong', correction: 'ANSWER: B', tags: ['persona'] }, 'ana');
  snapshot(store, join(root, 'corpus'));
  const session = { read: async <T>(work: (s: WorkspaceStore) => Promise<T> | T) => work(store) } as unknown as StoreSession;
  return { root, store, session };
}

describe('Pin asks before pinning cases already trained on', () => {
  it('a modal names the versions and the count; cancelled, nothing is pinned', async () => {
    const { pinItems } = await import('../../src/extension/corpus/pinItems');
    const { root, store, session } = await trainedWorkspace();
    try {
      shown.length = 0;
      answer = undefined;
      let refreshed = 0;
      await pinItems(session, root, 'tag:persona', () => refreshed++);
      const modal = shown.find((s) => s.kind === 'warning');
      assert.ok(modal, 'a warning was shown');
      assert.equal(modal.options?.modal, true);
      assert.match(modal.message, /2 of the 2 cases to pin are already in training version v0001/);
      assert.match(modal.options?.detail ?? '', /inspect\/popularity\/id:1 \(in v0001\)/);
      assert.deepEqual(modal.buttons, ['Pin Anyway']);
      assert.equal(existsSync(join(root, 'corpus/slices/persona')), false, 'nothing pinned');
      assert.equal(refreshed, 0);
      assert.ok(!shown.some((s) => s.kind === 'info'));
    } finally {
      store.close();
    }
  });

  it('confirmed, the cases are pinned with the versions that held them', async () => {
    const { pinItems } = await import('../../src/extension/corpus/pinItems');
    const { root, store, session } = await trainedWorkspace();
    try {
      shown.length = 0;
      answer = 'Pin Anyway';
      await pinItems(session, root, 'tag:persona', () => undefined);
      const manifest = JSON.parse(readFileSync(join(root, 'corpus/slices/persona/v0001/manifest.json'), 'utf8'));
      assert.equal(manifest.cases, 2);
      assert.deepEqual(
        manifest.trainedIn.map((t: { versions: string[] }) => t.versions),
        [['v0001'], ['v0001']],
      );
      assert.match(shown.find((s) => s.kind === 'info')!.message, /pinned 2 cases as slice persona v0001 \(2 already in training, recorded as known contamination\)/);
    } finally {
      store.close();
    }
  });

  it('cases no version holds are pinned without asking', async () => {
    const { pinItems } = await import('../../src/extension/corpus/pinItems');
    const { root, store, session } = await trainedWorkspace();
    try {
      shown.length = 0;
      answer = undefined;
      await pinItems(session, root, 'suite:inspect_evals/arc_easy -tag:persona', () => undefined);
      assert.ok(!shown.some((s) => s.kind === 'warning'));
      assert.ok(existsSync(join(root, 'corpus/slices/persona/v0001/manifest.json')));
    } finally {
      store.close();
    }
  });
});
