// Palette commands for the corpus: snapshot (pick a policy, preview the counts, write,
// reveal), pin a slice, verify, export a slice, open a version's manifest.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CorpusLayout } from '../../core/corpus/corpusLayout';
import { exportSlice, SLICE_FORMATS, type SliceFormat } from '../../core/corpus/sliceExport';
import { pinSlice, readSliceCases, SliceTrainedError, trainedVersionsOf } from '../../core/corpus/slices';
import { planSnapshot, writeSnapshot } from '../../core/corpus/snapshot';
import { verifyCorpus } from '../../core/corpus/verifyCorpus';
import { COMMANDS } from '../commandIds';
import type { EvalLoopExtension } from '../evalLoopExtension';
import type { StoreSession } from '../storeSession';
import { corpusDirOf } from './corpusLocation';
import { counted } from '../../core/text/counted';

declare const EVALLOOP_VERSION: string | undefined;
const TOOL_VERSION = typeof EVALLOOP_VERSION === 'string' ? EVALLOOP_VERSION : '0.0.0-dev';

/**
 * The steps of a multi-step command stay open when focus moves (to a webview taking it
 * back as the palette closes, say); Escape still cancels them.
 */
const STAYS_OPEN = { ignoreFocusOut: true } as const;

async function pickPolicy(layout: CorpusLayout): Promise<{ policyName?: string; filter?: string } | undefined> {
  const named = Object.entries(layout.policies()).map(([name, p]) => ({ label: name, description: p.filter, detail: p.description ?? p.formats.join(', '), value: { policyName: name } }));
  const picked = await vscode.window.showQuickPick(
    [
      ...named,
      { label: 'All reviewed items', description: 'reviewed', detail: 'every human-reviewed item, in all formats', value: { filter: 'reviewed' } },
      { label: 'Custom filter…', description: 'e.g. reviewed verdict:model-wrong -tag:pii', value: { filter: undefined as string | undefined } },
    ],
    { title: 'Snapshot Corpus: which items?', placeHolder: 'a policy from corpus/corpus.json, or a filter', ...STAYS_OPEN },
  );
  if (!picked) return undefined;
  if (picked.label === 'Custom filter…') {
    const filter = await vscode.window.showInputBox({ ...STAYS_OPEN, title: 'Snapshot filter', value: 'reviewed ', prompt: 'terms: reviewed, auto, regression, verdict:, tag:, run:, suite:, state:, format:, reviewer:, since:, item:; - negates' });
    return filter === undefined ? undefined : { filter };
  }
  return picked.value;
}

/** Versions are immutable: their files open read-only (a virtual document over the file). */
export const READONLY_SCHEME = 'evalloop-readonly';

export function registerReadOnlyFiles(register: (d: vscode.Disposable) => void): void {
  register(
    vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, {
      provideTextDocumentContent: (uri) => readFileSync(uri.path, 'utf8'),
    }),
  );
}

async function openReadOnly(path: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: READONLY_SCHEME, path }));
  await vscode.languages.setTextDocumentLanguage(doc, path.endsWith('.json') ? 'json' : 'markdown');
  await vscode.window.showTextDocument(doc, { preview: true });
}

export async function pinItems(session: StoreSession, root: string, filter: string, refresh: () => void): Promise<void> {
  const slice = await vscode.window.showInputBox({
    ...STAYS_OPEN,
    title: 'Pin Eval Slice',
    prompt: 'Slice name (letters, digits, ".", "_", "-"). Pinned cases are held out of every training version.',
    value: 'heldout',
    validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v) ? undefined : 'use 1–64 letters, digits, ".", "_" or "-"'),
  });
  if (!slice) return;
  const dir = corpusDirOf(root);
  let result;
  try {
    result = await session.read((store) => pinSlice(store, dir, slice, filter));
  } catch (error) {
    if (!(error instanceof SliceTrainedError)) throw error;
    if (!(await confirmTrained(error))) return;
    result = await session.read((store) => pinSlice(store, dir, slice, filter, { includeTrained: true }));
  }
  refresh();
  const trained = result.manifest.trainedIn?.length ?? 0;
  void vscode.window.showInformationMessage(
    `Eval Loop: pinned ${counted(result.manifest.cases, 'case')} as slice ${slice} ${result.version}${trained ? ` (${trained} already in training, recorded as known contamination)` : ''}.`,
  );
}

const PIN_TRAINED_ANYWAY = 'Pin Anyway';

/** Asks before pinning cases that training versions already hold; true to pin them as known contamination. */
async function confirmTrained(error: SliceTrainedError): Promise<boolean> {
  const versions = trainedVersionsOf(error.trained);
  const listed = error.trained.slice(0, 10).map((t) => `${t.caseKey} (in ${t.versions.join(', ')})`);
  const go = await vscode.window.showWarningMessage(
    `${error.trained.length} of the ${error.matching} cases to pin are already in training version${versions.length === 1 ? '' : 's'} ${versions.join(', ')}.`,
    {
      modal: true,
      detail: `Slice ${error.slice} cannot hold them out of ${versions.length === 1 ? 'that version' : 'those versions'}, so their scores will not be held-out scores. Pinned anyway, the slice records which versions hold each one, and Verify Corpus reports them as known contamination.\n\n${listed.join('\n')}${error.trained.length > listed.length ? '\n…' : ''}`,
    },
    PIN_TRAINED_ANYWAY,
  );
  return go === PIN_TRAINED_ANYWAY;
}

/** `corpusChanged` refreshes what shows the corpus (its tree, the pinned marks in the queue). */
export function registerCorpusCommands(ext: EvalLoopExtension, session: StoreSession, corpusChanged: () => void, register: (d: vscode.Disposable) => void): void {
  const root = session.root;
  registerReadOnlyFiles(register);

  register(
    vscode.commands.registerCommand(COMMANDS.snapshotCorpus, () =>
      ext.guard('Snapshot', async () => {
        const dir = corpusDirOf(root);
        const choice = await pickPolicy(new CorpusLayout(dir));
        if (!choice) return;
        // drawn once: the counts shown are of the very records written
        const preview = await session.read((store) => planSnapshot(store, dir, { ...choice, toolVersion: TOOL_VERSION }));
        const counts = Object.entries(preview.manifest.files).map(([f, x]) => `${f} ${x.records}`).join(', ');
        const go = await vscode.window.showInformationMessage(
          `Write corpus ${preview.manifest.version}? ${counts}; ${counted(preview.manifest.added, 'record')} added, ${preview.manifest.removed} removed, ${counted(preview.manifest.leakage.excluded.length, 'case')} held out as slice cases.`,
          { modal: true },
          'Write Version',
        );
        if (go !== 'Write Version') return;
        const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Eval Loop: writing ${preview.manifest.version}` }, () =>
          Promise.resolve().then(() => writeSnapshot(preview)),
        );
        corpusChanged();
        await openReadOnly(join(result.dir!, 'manifest.json'));
        void vscode.window.showInformationMessage(`Eval Loop: wrote corpus ${result.version}.`);
      }),
    ),
  );

  register(
    vscode.commands.registerCommand(COMMANDS.pinSlice, () =>
      ext.guard('Pin slice', async () => {
        const filter = await vscode.window.showInputBox({ ...STAYS_OPEN, title: 'Pin Eval Slice: which items?', value: 'reviewed', prompt: 'a snapshot filter, e.g. "suite:gsm8k -verdict:discard"' });
        if (filter === undefined) return;
        await pinItems(session, root, filter, corpusChanged);
      }),
    ),
  );

  register(
    vscode.commands.registerCommand(COMMANDS.verifyCorpus, () =>
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
    ),
  );

  register(
    vscode.commands.registerCommand(COMMANDS.exportSlice, () =>
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
    ),
  );

  register(
    vscode.commands.registerCommand(COMMANDS.openManifest, (version?: string) =>
      ext.guard('Open manifest', async () => {
        const layout = new CorpusLayout(corpusDirOf(root));
        const chosen = version ?? (await vscode.window.showQuickPick(layout.versions().reverse(), { title: 'Open Version Manifest' }));
        if (!chosen) return;
        await openReadOnly(join(layout.versionDir(chosen), 'manifest.json'));
      }),
    ),
  );
}
