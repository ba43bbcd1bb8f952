// A stand-in host answering the real protocol from generated data, for queues of any
// size and for cases full of hostile content.
import type { HostMessage, ItemDetail, ItemSummary, WebviewMessage } from '../../src/protocol/reviewProtocol';

export function summaryAt(i: number, title = `generated case number ${i}`): ItemSummary {
  return {
    id: i.toString(16).padStart(12, '0'),
    caseKey: `jsonl/generated/id:${i}`,
    title,
    state: 'new',
    verdict: null,
    suite: 'generated',
    format: 'jsonl',
    regression: i % 17 === 0,
    fixed: false,
    occurrences: 1,
    tags: [],
    pinned: i % 50 === 7 ? 'heldout/v0001' : null,
  };
}

export function detailFor(summary: ItemSummary, overrides: Partial<NonNullable<ItemDetail['case']>> = {}): ItemDetail {
  return {
    item: { ...summary, correction: null, rubric: null, comment: null, reviewer: null, grader: null, gradeReason: null },
    case: {
      caseKey: summary.caseKey,
      suite: summary.suite,
      title: summary.title,
      input: { prompt: `prompt of ${summary.title}` },
      inputHash: '0000000000000000',
      output: 'the model said this',
      expected: 'the model should say that',
      outcome: 'fail',
      scores: [],
      trace: [],
      metadata: {},
      record: { line: 1 },
      ...overrides,
    },
    occurrences: [{ runId: 'run-1', outcome: 'fail', record: 'line 1', regression: false, at: '2026-11-25T00:00:00Z', model: 'm', startedAt: null, sourcePath: 'x.jsonl', gitCommit: null }],
    lastPassRun: null,
  };
}

export function syntheticHost(total: number, detailOf: (summary: ItemSummary) => ItemDetail = (s) => detailFor(s), titleOf?: (i: number) => string) {
  return (message: WebviewMessage, post: (m: HostMessage) => void): void => {
    switch (message.type) {
      case 'ready':
        post({ type: 'snapshot', reviewer: 'tester', total, counts: { new: total }, regressions: Math.ceil(total / 17), tags: [], runs: [] });
        return;
      case 'query': {
        const items: ItemSummary[] = [];
        for (let i = message.offset; i < Math.min(total, message.offset + message.limit); i++) items.push(summaryAt(i, titleOf?.(i)));
        post({ type: 'page', requestId: message.requestId, offset: message.offset, total, items });
        return;
      }
      case 'detail': {
        const i = parseInt(message.id, 16);
        post({ type: 'detail', requestId: message.requestId, detail: detailOf(summaryAt(i, titleOf?.(i))) });
        return;
      }
      default:
        if ('requestId' in message) post({ type: 'saved', requestId: message.requestId, count: 0, undoable: false });
    }
  };
}
