// The bytes a snapshot writes are the plain serialisation of its records: each format's
// segment is every selected case's records, one JSON.stringify per line, in selection
// order; its index says `{"k":key,"h":inputHash,"i":itemId}` per line; the sources
// segment holds the item, case key and deciding review. Checked on case keys, texts and
// reviewer names that JSON must escape (quotes, backslashes, line and paragraph
// separators, control characters, lone surrogates, astral characters), so keeping the
// lines as bytes (recordLines.ts) and quoting keys per item changes nothing written.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { CorpusLayout, type VersionManifest } from '../../src/core/corpus/corpusLayout';
import { selectCases } from '../../src/core/corpus/selectReviewed';
import { snapshot } from '../../src/core/corpus/snapshot';
import { buildRecords, usesChat, type OutputFormat } from '../../src/core/corpus/trainingRecords';
import { submitReviews } from '../../src/core/review/reviewActions';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, tempDir } from './testSupport';

const HOSTILE = ['plain', 'quote"s', 'back\\slash', 'new\nline', 'tab\there', 'ctrl\u0001\u001f', 'ls\u2028ps\u2029', 'lone\ud800', 'lone\udc00end', 'emoji😀', 'ünï', '#hash#0', 'nul\u0000byte', '中文', 'a'.repeat(300), 'mixed "\\\u2028😀\ud83d'];

async function hostileWorkspace(): Promise<{ root: string; store: WorkspaceStore }> {
  const root = tempDir();
  const store = await WorkspaceStore.open(root, 'default');
  const rows = HOSTILE.flatMap((h, i) => [
    { id: `${h}-${i}`, suite: `suite ${h.slice(0, 6)}`, prompt: `What is ${h}?`, completion: `out ${h}`, answer: `ans ${h}`, correct: false },
    { id: `${h}#${i}`, prompt: [{ role: 'user', content: `q ${h}` }], completion: i % 3 ? `out ${h}` : '', answer: h, correct: false },
  ]);
  const file = join(root, 'hostile.jsonl');
  writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  await captureFile(store, file, { format: 'jsonl', read: { mapping: { input: 'prompt', output: 'completion', expected: 'answer', pass: 'correct', id: 'id', suite: 'suite' } } });
  await capturePaths(store, [FIXTURES]);
  const keys = listItems(store.database).map((i) => i.caseKey);
  const verdicts = ['model-wrong', 'eval-wrong', 'discard'] as const;
  verdicts.forEach((verdict, v) => {
    const some = keys.filter((_, i) => i % 3 === v);
    submitReviews(store, some, { verdict, ...(verdict === 'model-wrong' ? { correction: 'right "answer" \u2028 😀 \ud800' } : {}) }, v ? 'ana' : 'ben "\u2028"');
  });
  return { root, store };
}

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** What each format's lines and index lines are, serialised plainly from the selection (the code before recordLines.ts). */
function plainLines(store: WorkspaceStore, filter: string, formats: readonly OutputFormat[]): Map<string, { key: string; line: string; index: string }[]> {
  const selected = selectCases(store, filter, () => undefined);
  const conversational = selected.some((c) => usesChat(c.evalCase));
  const out = new Map<string, { key: string; line: string; index: string }[]>();
  const sources: { key: string; line: string; index: string }[] = [];
  for (const format of formats) out.set(format, []);
  for (const c of selected) {
    let produced = false;
    for (const format of formats) {
      buildRecords(format, c, { conversational }).records.forEach((record, n) => {
        const key = `${c.caseKey}#${n}`;
        out.get(format)!.push({ key, line: JSON.stringify(record), index: `{"k":${JSON.stringify(key)},"h":${JSON.stringify(c.inputHash)},"i":${JSON.stringify(c.itemId)}}` });
        produced = true;
      });
    }
    if (produced) sources.push({ key: c.itemId, line: JSON.stringify({ item: c.itemId, caseKey: c.caseKey, review: c.reviewEvent }), index: `{"k":${JSON.stringify(c.itemId)},"h":${JSON.stringify(c.inputHash)},"i":${JSON.stringify(c.itemId)}}` });
  }
  out.set('sources', sources);
  return out;
}

function segmentsOf(manifest: VersionManifest): Map<string, { path: string; sha256: string }[]> {
  return new Map([...Object.entries(manifest.files).map(([format, f]) => [format, f.segments] as const), ['sources', manifest.sources.segments]]);
}

describe('snapshot bytes', () => {
  it('are the plain serialisation of the records, index lines and sources, for keys and texts JSON must escape', async () => {
    const { root, store } = await hostileWorkspace();
    try {
      const corpus = join(root, 'corpus');
      const layout = new CorpusLayout(corpus);
      // the first version: the items of the JSONL's second rows left out (their suite is the file's name)
      const subset = 'reviewed -suite:hostile';
      const first = snapshot(store, corpus, { filter: subset, secrets: 'allow' }).manifest;
      const plain = plainLines(store, subset, first.policy.formats as OutputFormat[]);
      for (const [format, segments] of segmentsOf(first)) {
        const want = plain.get(format)!;
        assert.ok(want.length > 0, `${format} has records`);
        assert.equal(segments.length, 1, `${format}: one segment in a first version`);
        const bytes = readFileSync(join(corpus, segments[0]!.path));
        assert.equal(bytes.toString('latin1'), Buffer.from(want.map((l) => `${l.line}\n`).join('')).toString('latin1'), `${format}: the segment's bytes`);
        assert.equal(segments[0]!.sha256, sha(bytes), `${format}: named by its digest`);
        const index = readFileSync(join(layout.segmentDir(format), `${segments[0]!.sha256}.index.jsonl`));
        assert.equal(index.toString('latin1'), Buffer.from(want.map((l) => `${l.index}\n`).join('')).toString('latin1'), `${format}: the index's bytes`);
        if (format !== 'sources') assert.equal(first.files[format]!.sha256, sha(bytes), `${format}: the manifest's digest of its one segment`);
      }

      // a second version on the first, of every reviewed item: the first's segments are shared, the rest written anew
      const second = snapshot(store, corpus, { secrets: 'allow' }).manifest;
      const now = plainLines(store, 'reviewed', second.policy.formats as OutputFormat[]);
      for (const [format, segments] of segmentsOf(second)) {
        const want = new Map(now.get(format)!.map((l) => [l.key, l]));
        const got = new Map<string, { line: string; index: string }>();
        const contents: Buffer[] = [];
        for (const seg of segments) {
          const bytes = readFileSync(join(corpus, seg.path));
          contents.push(bytes);
          assert.equal(seg.sha256, sha(bytes));
          const lines = bytes.toString('utf8').split('\n').slice(0, -1);
          const index = readFileSync(join(layout.segmentDir(format), `${seg.sha256}.index.jsonl`), 'utf8')
            .split('\n')
            .slice(0, -1);
          lines.forEach((line, i) => got.set((JSON.parse(index[i]!) as { k: string }).k, { line, index: index[i]! }));
        }
        assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${format}: every record once`);
        for (const [key, l] of want) assert.deepEqual(got.get(key), { line: l.line, index: l.index }, `${format} ${JSON.stringify(key)}`);
        if (format !== 'sources') assert.equal(second.files[format]!.sha256, sha(Buffer.concat(contents)), `${format}: the manifest's digest of its segments`);
      }
      assert.ok(
        [...segmentsOf(second).values()].some((s) => s.length > 1),
        'some format shares a segment with the first version',
      );
    } finally {
      store.close();
    }
  });
});
