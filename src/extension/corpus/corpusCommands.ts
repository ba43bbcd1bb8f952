// Palette commands for the corpus: snapshot (pick a policy, preview the counts, write,
// reveal), pin a slice, verify, export a slice, open a version's manifest.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CorpusLayout } from '../../core/corpus/corpusLayout';
import { exportSlice, SLICE_FORMATS, type SliceFormat } from '../../core/corpus/sliceExport';
import { readSliceCases } from '../../core/corpus/slices';
import { planSnapshot, writeSnapshot } from '../../core/corpus/snapshot';
import { verifyCorpus } from '../../core/corpus/verifyCorpus';
import { COMMANDS, type CommandHandlers } from '../commandIds';
import type { CommandContext } from '../commandContext';
import { STAYS_OPEN } from '../staysOpen';
import { corpusDirOf } from './corpusLocation';
import { pinItems } from './pinItems';
import { openReadOnly } from './readOnlyFiles';
import { counted } from '../../core/text/counted';

declare const EVALLOOP_VERSION: string | undefined;
const TOOL_VERSION = typeof EVALLOOP_VERSION === 'string' ? EVALLOOP_VERSION : '0.0.0-dev';

async function pickPolicy(layout: CorpusLayout): Promise<{ policyName?: string; filter?: string } | undefined> {
  const named = Object.entries(layout.policies()).map(([name, p]) => ({ label: name, description: p.filter, detail: p.description ?? p.formats.join(', '), value: { policyName: name } }));
  const picked = await vscode.window.showQuickPick(
    [...named, { label: 'All reviewed items', description: 'reviewed', detail: 'every human-reviewed item, in all formats', value: { filter: 'reviewed' } }, { label: 'Custom filter…', description: 'e.g. reviewed verdict:model-wrong -tag:pii', value: { filter: undefined as string | undefined } }],
    { title: 'Snapshot Corpus: which items?', placeHolder: 'a policy from corpus/corpus.json, or a filter', ...STAYS_OPEN },
  );
  if (!picked) return undefined;
  if (picked.label === 'Custom filter…') {
    const filter = await vscode.window.showInputBox({ ...STAYS_OPEN, title: 'Snapshot filter', value: 'reviewed ', prompt: 'terms: reviewed, auto, regression, verdict:, tag:, run:, suite:, state:, format:, reviewer:, since:, item:; - negates' });
    return filter === undefined ? undefined : { filter };
  }
  return picked.value;
}

/** `corpusChanged` refreshes what shows the corpus (its tree, the pinned marks in the queue). */
export function corpusCommands(ext: CommandContext, corpusChanged: () => void): CommandHandlers {
  const { session } = ext;
  const root = session.root;

  return {
    [COMMANDS.snapshotCorpus]: () =>
      ext.guard('Snapshot', async () => {
        const dir = corpusDirOf(root);
        const choice = await pickPolicy(new CorpusLayout(dir));
        if (!choice) return;
        // drawn once: the counts shown are of the very records written
        const preview = await session.read((store) => planSnapshot(store, dir, { ...choice, toolVersion: TOOL_VERSION }));
        const counts = Object.entries(preview.manifest.files)
          .map(([f, x]) => `${f} ${x.records}`)
          .join(', ');
        const go = await vscode.window.showInformationMessage(
          `Write corpus ${preview.manifest.version}? ${counts}; ${counted(preview.manifest.added, 'record')} added, ${preview.manifest.removed} removed, ${counted(preview.manifest.leakage.excluded.length, 'case')} held out as slice cases.`,
          { modal: true },
          'Write Version',
        );
        if (go !== 'Write Version') return;
        const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Eval Loop: writing ${preview.manifest.version}` }, () => Promise.resolve().then(() => writeSnapshot(preview)));
        corpusChanged();
        await openReadOnly(join(result.dir!, 'manifest.json'));
        void vscode.window.showInformationMessage(`Eval Loop: wrote corpus ${result.version}.`);
      }),

    [COMMANDS.pinSlice]: () =>
      ext.guard('Pin slice', async () => {
        const filter = await vscode.window.showInputBox({ ...STAYS_OPEN, title: 'Pin Eval Slice: which items?', value: 'reviewed', prompt: 'a snapshot filter, e.g. "suite:gsm8k -verdict:discard"' });
        if (filter === undefined) return;
        await pinItems(session, root, filter, corpusChanged);
      }),

    [COMMANDS.verifyCorpus]: () =>
      ext.guard('Verify', async () => {
        const report = verifyCorpus(corpusDirOf(root));
        if (report.warnings.length) {
          ext.output.appendLine(`Verify Corpus: ${report.warnings.length} known-contamination warnings`);
          for (const w of report.warnings) ext.output.appendLine(`  ${w.where}: ${w.detail}`);
        }
        if (report.violations.length === 0) {
          const warned = report.warnings.length ? `; ${report.warnings.length} pinned cases are known contamination (see the Eval Loop output)` : '';
          void vscode.window.showInformationMessage(`Eval Loop: corpus verified clean (${counted(report.versions, 'version')}, ${counted(report.segments, 'segment')}, ${counted(report.slices, 'slice')})${warned}.`);
          return;
        }
        ext.output.appendLine(`Verify Corpus: ${counted(report.violations.length, 'violation')}`);
        for (const v of report.violations) {
          ext.output.appendLine(`  ${v.kind}: ${v.where}: ${v.detail}`);
          if (v.fix) ext.output.appendLine(`    → ${v.fix}`);
        }
        ext.output.show(true);
        void vscode.window.showErrorMessage(`Eval Loop: corpus verification found ${counted(report.violations.length, 'violation')} (see the Eval Loop output).`);
      }),

    [COMMANDS.exportSlice]: () =>
      ext.guard('Export slice', async () => {
        const layout = new CorpusLayout(corpusDirOf(root));
        const slice = await vscode.window.showQuickPick(layout.slices(), { title: 'Export Slice: which slice?', ...STAYS_OPEN });
        if (!slice) return;
        const format = (await vscode.window.showQuickPick([...SLICE_FORMATS], { title: 'Export Slice: as what?', ...STAYS_OPEN })) as SliceFormat | undefined;
        if (!format) return;
        const { version, cases } = readSliceCases(layout, slice);
        const ext_ = format === 'promptfoo' ? 'json' : 'jsonl';
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(join(root, `${slice}-${version}.${format}.${ext_}`)) });
        if (!target) return;
        writeFileSync(target.fsPath, exportSlice(cases, format, { file: target.fsPath }));
        await vscode.window.showTextDocument(target, { preview: true });
      }),

    [COMMANDS.openManifest]: (version?: string) =>
      ext.guard('Open manifest', async () => {
        const layout = new CorpusLayout(corpusDirOf(root));
        const chosen = version ?? (await vscode.window.showQuickPick(layout.versions().reverse(), { title: 'Open Version Manifest' }));
        if (!chosen) return;
        await openReadOnly(join(layout.versionDir(chosen), 'manifest.json'));
      }),
  };
}
