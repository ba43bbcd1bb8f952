// Check Workspace: the checks of `evalloop doctor` (every journal line, the index, the
// blobs items point at, that the journal folder takes writes and the disk has room,
// the corpus) from the palette, each finding in the output with what to do about it.
import * as vscode from 'vscode';
import { checkWorkspace, findingText, type WorkspaceCheck } from '../../core/doctor/checkWorkspace';
import { COMMANDS, type CommandHandlers } from '../commandIds';
import { corpusDirOf } from '../corpus/corpusLocation';
import type { CommandContext } from '../commandContext';
import { counted } from '../../core/text/counted';

function describe(check: WorkspaceCheck): string {
  const corpus = check.corpus ? `, corpus ${counted(check.corpus.versions, 'version')} and ${counted(check.corpus.slices, 'slice')}` : '';
  return `${counted(check.journals.files, 'journal')}, ${counted(check.journals.events, 'event')}, ${counted(check.index.items, 'item')}, ${counted(check.blobs.checked, 'blob')}${corpus}`;
}

export function checkWorkspaceCommands(ext: CommandContext): CommandHandlers {
  const { session } = ext;
  return {
    [COMMANDS.checkWorkspace]: () =>
      ext.guard('Check workspace', async () => {
        const check = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Eval Loop: checking the workspace' }, () => session.read((store) => checkWorkspace(store, { corpusDir: corpusDirOf(session.root) })));
        ext.output.appendLine(`Check workspace: ${describe(check)}`);
        for (const f of check.findings) ext.output.appendLine(`  ${findingText(f, '  ')}`);
        if (check.findings.length === 0) {
          void vscode.window.showInformationMessage(`Eval Loop: workspace checked, no problems found (${describe(check)}).`);
          return;
        }
        ext.output.show(true);
        const errors = check.findings.filter((f) => f.severity === 'error').length;
        const counts = `${errors} error${errors === 1 ? '' : 's'}, ${check.findings.length - errors} warning${check.findings.length - errors === 1 ? '' : 's'}`;
        const message = `Eval Loop: ${counts} in the workspace; the first: ${check.findings[0]!.what} (all of them, with what to do, in the Eval Loop output).`;
        if (errors) void vscode.window.showErrorMessage(message);
        else void vscode.window.showWarningMessage(message);
      }),
  };
}
