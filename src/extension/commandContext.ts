// What a feature's register*Commands function is given: the window's output channel,
// its store session, the guard that logs and shows a command's error, and where to
// register what it creates. Registrars get this, never the extension object, so no
// feature imports the composition root.
import type * as vscode from 'vscode';
import type { StoreSession } from './storeSession';

export interface CommandContext<Session extends StoreSession | undefined = StoreSession> {
  readonly output: vscode.OutputChannel;
  /** Undefined for commands registered without a folder open (captures need one). */
  readonly session: Session;
  /** Runs a command body, logging and showing any error instead of letting it escape. */
  guard(title: string, body: () => Promise<void>): Promise<void>;
  /** Disposes `disposable` with the extension. */
  register<T extends vscode.Disposable>(disposable: T): T;
}
