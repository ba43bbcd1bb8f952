// Typed access to the extension's settings (contributes.configuration): every
// `evalloop.*` key with its type, read through `setting`. The defaults are written
// once, in package.json: VS Code applies them, and a value that is missing or an empty
// string (a stand-in `vscode` in tests, a cleared name or path) reads as the same
// declared default.
import * as vscode from 'vscode';
import { contributes } from '../../package.json';

/** Each setting's type as read; `unknown` where the value is validated by its reader. */
export interface SettingTypes {
  workspace: string;
  thresholds: Record<string, unknown> | null;
  jsonlMapping: unknown;
  maxRecordMegabytes: number;
  liveCaseSpan: string;
  liveFailureRules: unknown;
  scoreRules: unknown;
  watch: string[];
  watchEnabled: boolean;
  watchDebounceMs: number;
  'autoGrade.onCapture': boolean;
  'autoGrade.rules': unknown;
  reviewer: string;
  corpusDir: string;
  remote: string;
  queueGroupBy: string;
}

export type SettingKey = keyof SettingTypes;

const SECTION = 'evalloop';

// typed so that a key missing from package.json, or a default of another type, fails the type-check
const declared: { [K in SettingKey as `${typeof SECTION}.${K}`]: { default: SettingTypes[K] } } = contributes.configuration.properties;

export function setting<K extends SettingKey>(key: K): SettingTypes[K] {
  const value = vscode.workspace.getConfiguration(SECTION).get<SettingTypes[K]>(key);
  return value === undefined || value === '' ? declaredDefault(key) : value;
}

function declaredDefault<K extends SettingKey>(key: K): SettingTypes[K] {
  const all: Record<string, { default: unknown }> = declared;
  return all[`${SECTION}.${key}`]?.default as SettingTypes[K];
}

/** Whether a configuration change touches any of the given settings. */
export function settingChanged(event: vscode.ConfigurationChangeEvent, ...keys: SettingKey[]): boolean {
  return keys.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}

export function workspaceName(): string {
  return setting('workspace');
}
