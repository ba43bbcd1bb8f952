// Shared CLI plumbing: global options, opening the store, printing, exit codes.
import { WorkspaceStore } from '../core/store/workspaceStore';

export interface GlobalOptions {
  root: string;
  workspace: string;
  json: boolean;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export async function withStore<T>(options: GlobalOptions, body: (store: WorkspaceStore) => Promise<T> | T): Promise<T> {
  const store = await WorkspaceStore.open(options.root, options.workspace);
  const tell = (from: number) => {
    if (!options.json) for (const notice of store.notices.slice(from)) process.stderr.write(`evalloop: ${notice}\n`);
  };
  tell(0);
  const told = store.notices.length;
  try {
    return await body(store);
  } finally {
    store.close();
    tell(told); // what closing had to say (an index the disk refused to take)
  }
}

/** A note that needs no action to go on but may explain an unexpected result: one line on stderr. */
export function warn(message: string): void {
  process.stderr.write(`evalloop: warning: ${terminalSafe(message)}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Model output can hold terminal escape sequences; show control characters as visible marks instead. */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function printLines(lines: string[]): void {
  process.stdout.write(lines.length ? `${terminalSafe(lines.join('\n'))}\n` : '');
}
