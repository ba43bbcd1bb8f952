// How result files are read, from the extension's settings: thresholds, the JSONL
// mapping, the record size limit and the live-trace rules. Apart from the typed settings
// (extensionSettings.ts), which start-up reads without the format readers.
import type { ReadOptions } from '../../core/formats/adapter';
import { DEFAULT_READ_OPTIONS } from '../../core/formats/adapter';
import { mappingFromSettings } from '../../core/formats/genericJsonl';
import { failureRulesFrom, scoreRulesFrom } from '../../core/formats/liveJudgement';
import { setting } from '../extensionSettings';

export function readOptions(): ReadOptions {
  const thresholds = setting('thresholds');
  const numeric: Record<string, number> = {};
  for (const [k, v] of Object.entries(thresholds ?? {})) if (typeof v === 'number' && Number.isFinite(v)) numeric[k] = v;
  const mapping = mappingFromSettings(setting('jsonlMapping'));
  const maxMb = setting('maxRecordMegabytes');
  const caseSpan = setting('liveCaseSpan');
  const failureRules = failureRulesFrom(setting('liveFailureRules'));
  const scoreRules = scoreRulesFrom(setting('scoreRules'));
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
