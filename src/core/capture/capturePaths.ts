// Captures files and folders: folders are walked for result-like files (by
// extension; the format itself is still decided by content).
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { WorkspaceStore } from '../store/workspaceStore';
import { captureFile, type CaptureOptions, type FileCaptureReport } from './captureFile';

const RESULT_EXTENSIONS = /\.(json|jsonl|ndjson|eval|xml|parquet)$/i;
const SKIPPED_FOLDERS = new Set(['.evalloop', '.git', 'node_modules', '.venv', 'venv', '__pycache__', '.vscode-test']);

export function findResultFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 32) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      // symbolic links are not followed: a link can point outside the folder or loop
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(path, depth + 1);
      else if (entry.isFile() && RESULT_EXTENSIONS.test(entry.name)) found.push(path);
    }
  };
  walk(folder, 0);
  return found;
}

/** Expands folders, then captures each file in order. Explicitly named files are read whatever their extension. */
export async function capturePaths(store: WorkspaceStore, paths: string[], options: CaptureOptions = {}): Promise<FileCaptureReport[]> {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      // missing: captureFile reports it
    }
    if (isDir) files.push(...findResultFiles(abs));
    else files.push(abs);
  }
  const reports: FileCaptureReport[] = [];
  for (const file of [...new Set(files)]) reports.push(await captureFile(store, file, options));
  return reports;
}
