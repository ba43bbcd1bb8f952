// Typed access to the extension's settings (contributes.configuration).
import * as vscode from 'vscode';
import type { ReadOptions } from '../core/formats/adapter';
import { DEFAULT_READ_OPTIONS } from '../core/formats/adapter';
import { mappingFromSettings } from '../core/formats/genericJsonl';
import { failureRulesFrom, scoreRulesFrom } from '../core/formats/liveJudgement';

export function workspaceName(): string {
  return vscode.workspace.getConfiguration('evalloop').get<string>('workspace') || 'default';
}

export function readOptions(): ReadOptions {
  const config = vscode.workspace.getConfiguration('evalloop');
  const thresholds = config.get<Record<string, unknown>>('thresholds') ?? {};
  const numeric: Record<string, number> = {};
  for (const [k, v] of Object.entries(thresholds)) if (typeof v === 'number' && Number.isFinite(v)) numeric[k] = v;
  const mapping = mappingFromSettings(config.get('jsonlMapping'));
  const maxMb = config.get<number>('maxRecordMegabytes');
  const caseSpan = config.get<string>('liveCaseSpan');
  const failureRules = failureRulesFrom(config.get('liveFailureRules'));
  const scoreRules = scoreRulesFrom(config.get('scoreRules'));
  return {
    ...DEFAULT_READ_OPTIONS,
    thresholds: numeric,
    ...(mapping ? { mapping } : {}),
    ...(maxMb && maxMb > 0 ? { maxRecordBytes: Math.floor(maxMb * 1024 * 1024) } : {}),
    ...(caseSpan === 'chat' || caseSpan === 'root' ? { liveCaseSpan: caseSpan } : {}),
    ...(failureRules.length ? { liveFailureRules: failureRules } : {}),
    ...(Object.keys(scoreRules).length ? { scoreRules } : {}),
  };
}
