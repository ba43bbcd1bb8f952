// Runs the read side of a capture in a worker thread, so reading and normalising a
// large file overlaps with journalling and indexing it. Falls back to reading in this
// thread when no worker script is available (or for small files, where starting a
// worker costs more than it saves).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { readCaseBatches, type ReadMessage, type ReadRequest } from './caseBatches';

/** Reads of fewer bytes than this stay in the capturing thread. */
export const WORKER_MIN_BYTES = 8 * 1024 * 1024;

/** The worker script: the bundled one beside dist/*.js, or the source file under tsx. */
function workerScript(): string | undefined {
  for (const name of ['captureWorker.js', 'captureWorker.ts']) {
    const file = join(__dirname, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

export function readBatches(request: ReadRequest, worker: boolean | 'auto' = 'auto'): AsyncGenerator<ReadMessage> {
  const script = workerScript();
  let big = false;
  try {
    // what is left to read: a grown JSONL is read from where the last capture stopped
    big = statSync(request.path).size - (request.resume?.offset ?? 0) >= WORKER_MIN_BYTES;
  } catch {
    // the read side reports a missing file itself
  }
  if (!script || worker === false || (worker === 'auto' && !big)) return readCaseBatches(request);
  return fromWorker(script, request);
}

async function* fromWorker(script: string, request: ReadRequest): AsyncGenerator<ReadMessage> {
  // the source script (tests, development) is loaded through tsx's require hook
  const thread = script.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true, workerData: request, execArgv: [] }) : new Worker(script, { workerData: request, execArgv: [] });
  const queue: (ReadMessage | { t: 'end' })[] = [];
  let wake: (() => void) | undefined;
  let failure: string | undefined;
  let ended = false;
  thread.on('message', (m: ReadMessage | { t: 'end' }) => {
    queue.push(m);
    wake?.();
  });
  thread.on('error', (error) => {
    failure = `the reading thread failed: ${error.message}`;
    wake?.();
  });
  thread.on('exit', (code) => {
    if (!ended && failure === undefined) failure = `the reading thread stopped (exit code ${code})`;
    wake?.();
  });
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        if (next.t === 'end') {
          ended = true;
          return;
        }
        yield next;
        if (next.t === 'batch') thread.postMessage('ack');
        continue;
      }
      if (failure !== undefined) {
        yield { t: 'failed', reason: failure };
        return;
      }
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    ended = true;
    await thread.terminate();
  }
}
