// A live trace has no expected answer: it is reviewed like any failure, the auto-grader
// leaves it to people, and the reviewer's correction is the only target of the SFT and
// preference records a snapshot writes from it.
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { snapshot } from '../../src/core/corpus/snapshot';
import { exportVersion } from '../../src/core/corpus/verifyCorpus';
import { autoGrade } from '../../src/core/grading/autoGrade';
import { itemDetail } from '../../src/core/review/reviewQueries';
import { submitReviews } from '../../src/core/review/reviewActions';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { itemDetailSchema } from '../../src/protocol/reviewProtocol';
import { REPO_ROOT, tempDir } from './testSupport';

const kv = (attrs: Record<string, string>) => Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } }));

/** One failing chat trace (status ERROR) as the collector's file exporter writes it. */
function otelFailure(path: string): void {
  const span = {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    name: 'chat gpt-4o',
    kind: 3,
    startTimeUnixNano: '1748000000000000000',
    endTimeUnixNano: '1748000001500000000',
    status: { code: 'STATUS_CODE_ERROR', message: 'the answer was cut short' },
    attributes: kv({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a helpful weather assistant.' }]),
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }]),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'It is' }] }]),
    }),
  };
  writeFileSync(path, `${JSON.stringify({ resourceSpans: [{ resource: { attributes: kv({ 'service.name': 'weather-bot' }) }, scopeSpans: [{ scope: {}, spans: [span] }] }] })}\n`);
}

describe('a live trace with no expected answer', () => {
  it('is reviewed with a correction and becomes SFT and preference records from the correction alone', async () => {
    const root = tempDir();
    const otel = join(root, 'otel-traces.jsonl');
    otelFailure(otel);
    const langfuse = join(root, 'langfuse-trace.json');
    copyFileSync(join(REPO_ROOT, 'test/fixtures/langfuse/openai-agents-2025-09-30.json'), langfuse);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      for (const path of [otel, langfuse]) assert.equal((await captureFile(store, path)).failures, 1, path);
      const items = listItems(store.database, {});
      assert.equal(items.length, 2);

      // what the panel is sent: the case with no expected answer, valid under the protocol
      for (const item of items) {
        const detail = itemDetail(store, item.id);
        assert.equal(detail?.case?.expected, null);
        assert.equal(itemDetailSchema.safeParse(detail).success, true);
      }
      // nothing to grade against: left for people
      const graded = await autoGrade(store, []);
      assert.equal(graded.decided, 0);

      const byFormat = Object.fromEntries(items.map((i) => [i.format, i]));
      submitReviews(store, [byFormat.otel!.caseKey], { verdict: 'model-wrong', correction: 'It is sunny and 21°C in Paris.' }, 'ana');
      submitReviews(store, [byFormat.langfuse!.caseKey], { verdict: 'model-wrong', correction: 'The weather in Tokyo is sunny.' }, 'ana');

      const corpus = join(root, 'corpus');
      const result = snapshot(store, corpus);
      assert.equal(result.manifest.files.sft!.records, 2);
      assert.equal(result.manifest.files['openai-preference']!.records, 2);
      const lines = (format: string) =>
        exportVersion(corpus, result.version!, format)
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>);

      const sft = lines('sft').map((l) => l.messages as { role: string; content: string }[]);
      const weather = sft.find((m) => m.some((x) => x.content === 'Weather in Paris?'))!;
      assert.deepEqual(weather, [
        { role: 'system', content: 'You are a helpful weather assistant.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: 'It is sunny and 21°C in Paris.' },
      ]);
      const tokyo = sft.find((m) => m.some((x) => x.content === "What's the weather in Tokyo?"))!;
      assert.deepEqual(tokyo.at(-1), { role: 'assistant', content: 'The weather in Tokyo is sunny.' });

      const pairs = lines('openai-preference');
      const pair = pairs.find((p) => JSON.stringify(p.input).includes('Weather in Paris?'))!;
      assert.deepEqual(pair.preferred_output, [{ role: 'assistant', content: 'It is sunny and 21°C in Paris.' }]);
      assert.deepEqual(pair.non_preferred_output, [{ role: 'assistant', content: 'It is' }]);
      const trl = lines('trl-preference').find((p) => JSON.stringify(p.prompt).includes('Weather in Paris?'))!;
      assert.deepEqual(trl.chosen, [{ role: 'assistant', content: 'It is sunny and 21°C in Paris.' }]);
    } finally {
      store.close();
    }
  });
});
