// A worker thread that runs the read side of a capture (caseBatches.ts) and posts its
// messages to the capturing thread, at most a few batches ahead of what it has
// journalled (each batch is acknowledged), so memory stays bounded.
import { parentPort, workerData } from 'node:worker_threads';
import { readCaseBatches, type ReadRequest } from './caseBatches';

const AHEAD = 4;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('captureWorker runs only as a worker thread');
  let unacknowledged = 0;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    unacknowledged--;
    wake?.();
  });
  for await (const message of readCaseBatches(workerData as ReadRequest)) {
    if (message.t === 'batch') {
      unacknowledged++;
      while (unacknowledged > AHEAD) await new Promise<void>((r) => (wake = r));
    }
    port.postMessage(message);
  }
  port.postMessage({ t: 'end' });
  port.close();
}

void main();
