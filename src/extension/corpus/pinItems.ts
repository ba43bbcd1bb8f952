// Pins items as a held-out eval slice, for the palette's Pin Eval Slice… and the review
// panel's Pin…: asks for the slice's name, and asks again before pinning cases that
// training versions already hold.
import * as vscode from 'vscode';
import { pinSlice, SliceTrainedError, trainedVersionsOf } from '../../core/corpus/slices';
import { counted } from '../../core/text/counted';
import { FOLDER_NAME_RULE, isFolderName } from '../../core/text/folderNames';
import { STAYS_OPEN } from '../staysOpen';
import type { StoreSession } from '../storeSession';
import { corpusDirOf } from './corpusLocation';

/** Asks for the slice's name and pins what the filter selects; the number of cases pinned (0 when cancelled). */
export async function pinItems(session: StoreSession, root: string, filter: string, refresh: () => void): Promise<number> {
  const slice = await vscode.window.showInputBox({
    ...STAYS_OPEN,
    title: 'Pin Eval Slice',
    prompt: 'Slice name (letters, digits, ".", "_", "-"). Pinned cases are held out of every training version.',
    value: 'heldout',
    validateInput: (v) => (isFolderName(v) ? undefined : FOLDER_NAME_RULE),
  });
  if (!slice) return 0;
  const dir = corpusDirOf(root);
  let result;
  try {
    result = await session.read((store) => pinSlice(store, dir, slice, filter));
  } catch (error) {
    if (!(error instanceof SliceTrainedError)) throw error;
    if (!(await confirmTrained(error))) return 0;
    result = await session.read((store) => pinSlice(store, dir, slice, filter, { includeTrained: true }));
  }
  refresh();
  const trained = result.manifest.trainedIn?.length ?? 0;
  void vscode.window.showInformationMessage(`Eval Loop: pinned ${counted(result.manifest.cases, 'case')} as slice ${slice} ${result.version}${trained ? ` (${trained} already in training, recorded as known contamination)` : ''}.`);
  return result.manifest.cases;
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
