// Activation: builds the composition root once and hands it to VS Code for disposal.
import type * as vscode from 'vscode';
import { EvalLoopExtension } from './evalLoopExtension';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(new EvalLoopExtension(context));
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
