// The journal folder's files and their sizes: what a watcher compares to notice another
// writer, without reading (or validating) any event, so the extension's start-up bundle
// can poll the journals without the event schemas.
import { closeSync, fstatSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function listJournalFiles(journalDir: string): string[] {
  try {
    return readdirSync(journalDir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
  } catch {
    return [];
  }
}

export function journalSize(journalDir: string, file: string): number {
  const fd = openSync(join(journalDir, file), 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
