// The reviewer's name: the setting, else git's user.name, else the OS user.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import { defaultActor } from '../core/store/writerIdentity';
import { setting } from './extensionSettings';

let cached: Promise<string> | undefined;

function gitUserName(cwd: string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['config', 'user.name'], { cwd, timeout: 2000 }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}

export function reviewerName(): Promise<string> {
  const configured = setting('reviewer').trim();
  if (configured) return Promise.resolve(configured);
  cached ??= gitUserName(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath).then((name) => name ?? defaultActor());
  return cached;
}
