// Run by concurrentWriters.test.ts, several at once: claims a journal slot, appends one
// event, lets go, again and again, so slot claims race with each other. Every few
// rounds it abandons its slot as a dead process would (its lock is left naming a pid
// that does not exist), so takeovers race too. Prints how many events it was acknowledged.
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { JournalWriter } from '../../src/core/store/journalWriter';

const [journalDir, tag, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
let acknowledged = 0;
for (let i = 0; i < rounds; i++) {
  const writer = JournalWriter.open(journalDir!);
  writer.append([{ type: 'review', caseKey: `${tag}/${i}`, verdict: 'discard', reviewer: tag! }]);
  acknowledged++;
  if (i % 7 === 3) {
    // dies holding the slot: the lock stays, and names a process that is gone. It is
    // rewritten in place on purpose (ours are always swapped in whole): for an instant
    // it reads empty, then whole, and two takers must still not both win it
    writeFileSync(writer.file.replace(/\.jsonl$/, '.lock'), JSON.stringify({ pid: 2 ** 22 + 1000 + i, host: hostname(), startedAt: `${tag}-${i}` }));
  } else {
    writer.close();
  }
}
process.stdout.write(String(acknowledged));
