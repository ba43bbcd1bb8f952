// The notice after an automatic capture: counts a person can act on, and the filter its
// Review button opens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileCaptureReport } from '../../src/core/capture/captureFile';
import { captureNotice } from '../../src/core/capture/captureNotice';
import type { AutoGradeSummary } from '../../src/core/grading/autoGrade';

const report = (runId: string, newItems: number, regressions = 0) => ({ runId, newItems, regressions }) as FileCaptureReport;
const graded = (decided: number) => ({ decided }) as AutoGradeSummary;

describe('capture notice', () => {
  it('says how many new failures were auto-graded and how many wait for a person', () => {
    assert.equal(captureNotice([report('r1', 12, 2)], graded(5))?.text, 'Eval Loop: 12 new failures (2 regressions): 5 auto-graded, 7 waiting for you');
  });

  it('words one failure in the singular and leaves out grading that settled nothing', () => {
    assert.equal(captureNotice([report('r1', 1)], graded(0))?.text, 'Eval Loop: 1 new failure');
  });

  it('Review opens the one run that brought the failures, or everything waiting when several did', () => {
    assert.deepEqual(captureNotice([report('r1', 3), report('r2', 0)])?.filter, { runId: 'r1' });
    assert.deepEqual(captureNotice([report('r1', 3), report('r2', 1)])?.filter, { state: 'new' });
  });

  it('announces nothing when nothing new failed', () => {
    assert.equal(captureNotice([report('r1', 0)]), undefined);
  });
});
