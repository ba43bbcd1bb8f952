// The extension's store session catches up with other writers when told the journals
// changed (the journal watcher, the poll), and before each write; a read when nothing
// changed touches no journal file. A small adapter test with a stand-in `vscode`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { submitReviews } from '../../src/core/review/reviewActions';
import { countItems, keptCounts, listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, tempDir } from './testSupport';
import { installVscodeStandIn } from './vscodeStandIn';
import type * as NodeFs from 'node:fs';

installVscodeStandIn(tempDir());
// the module object itself (its functions are swapped below), not an import's copy of them
const fsModule = require('node:fs') as typeof NodeFs;

/** The journal files opened or stat-ed while `work` runs. */
async function journalTouches<T>(journalDir: string, work: () => Promise<T>): Promise<{ value: T; touches: number }> {
  const names = ['openSync', 'statSync', 'readdirSync'] as const;
  const originals = names.map((n) => fsModule[n]);
  let touches = 0;
  names.forEach((n, i) => {
    const original = originals[i] as (...args: unknown[]) => unknown;
    (fsModule as unknown as Record<string, unknown>)[n] = (...args: unknown[]) => {
      if (String(args[0]).startsWith(journalDir)) touches++;
      return original(...args);
    };
  });
  try {
    return { value: await work(), touches };
  } finally {
    names.forEach((n, i) => ((fsModule as unknown as Record<string, unknown>)[n] = originals[i]));
  }
}

describe('store session catch-up', () => {
  it('reads touch no journal until the journals are said to have changed; then the other writer’s review is there', async () => {
    const root = tempDir();
    const seed = await WorkspaceStore.open(root, 'default');
    await capturePaths(seed, [join(FIXTURES, 'inspect_ai')]);
    const [key, second, third] = listItems(seed.database).map((i) => i.caseKey) as [string, string, string];
    seed.close();

    const { StoreSession } = await import('../../src/extension/storeSession');
    const session = new StoreSession(
      root,
      () => 'default',
      () => undefined,
    );
    try {
      const total = await session.read((s) => countItems(s.database));
      const journalDir = join(root, '.evalloop/default/journal');

      const quiet = await journalTouches(journalDir, () => session.read((s) => countItems(s.database)));
      assert.equal(quiet.touches, 0, 'a read when nothing changed looks at no journal (before: every journal was stat-ed and read)');
      assert.equal(quiet.value, total);

      // another process reviews; until something says so, reads answer from the index as it is
      const other = await WorkspaceStore.open(root, 'default', { actor: 'other' });
      submitReviews(other, [key], { verdict: 'discard' }, 'ben');
      other.close();
      assert.equal(await session.read((s) => keptCounts(s.database).get('state:reviewed') ?? 0), 0);

      await session.catchUp(); // what the journal watcher and the poll call
      assert.equal(await session.read((s) => keptCounts(s.database).get('state:reviewed') ?? 0), 1);

      // a write catches up first, without being told
      const again = await WorkspaceStore.open(root, 'default', { actor: 'other' });
      submitReviews(again, [second], { verdict: 'ambiguous' }, 'ben');
      again.close();
      const seenByWrite = await session.write((s) => {
        const before = keptCounts(s.database).get('state:reviewed') ?? 0;
        submitReviews(s, [third], { verdict: 'model-wrong', correction: 'yes' }, 'ana');
        return before;
      });
      assert.equal(seenByWrite, 2, 'the write saw the other process’s second review before its own');
    } finally {
      session.dispose();
    }
  });
});
