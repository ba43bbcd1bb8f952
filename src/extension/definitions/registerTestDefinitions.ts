// The "failures at their definition" feature: lenses and Problems in promptfoo configs
// and test files, Inspect datasets and pytest files, and Go to Test Definition.
import * as vscode from 'vscode';
import { COMMANDS, type CommandHandlers } from '../commandIds';
import type { StoreSession } from '../storeSession';
import { DefinitionLenses } from './definitionLenses';
import { DefinitionSources } from './definitionSources';
import { goToTestDefinition } from './goToTestDefinition';

const DOCUMENTS: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{yaml,yml,jsonl,csv}' },
  { scheme: 'file', language: 'python' },
];

/**
 * Registers the lenses and Problems (when the store's half of the extension loads, right
 * after activation); returns the command body the review panel calls for an item, and
 * the command's handler.
 */
export function registerTestDefinitions(session: StoreSession, clustersChanged: vscode.Event<void>, register: <T extends vscode.Disposable>(d: T) => T): { goToDefinition: (itemId: string) => Promise<void>; commands: CommandHandlers } {
  const sources = register(new DefinitionSources(session, clustersChanged));
  const lenses = register(new DefinitionLenses(sources));
  register(vscode.languages.registerCodeLensProvider(DOCUMENTS, lenses));
  const go = (itemId: string) => goToTestDefinition(sources, itemId);
  return { goToDefinition: go, commands: { [COMMANDS.goToTestDefinition]: (itemId: unknown) => (typeof itemId === 'string' ? go(itemId) : undefined) } };
}
