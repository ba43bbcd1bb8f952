// The inputs pinned in eval slices, read from the corpus's slice manifests (again after
// refresh(), which the corpus watcher calls), so the queue can mark a case that is held
// out of training.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { CorpusLayout } from '../../core/corpus/corpusLayout';
import type { PinnedLookup } from '../../core/review/reviewQueries';
import { corpusDirOf } from './corpusLocation';
import { reasonOf } from '../../core/text/reasonOf';

export class PinnedInputs implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private pinned: Map<string, string> | undefined;

  constructor(
    private readonly root: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Reads the slice manifests again (after a pin, or when they change on disk). */
  refresh(): void {
    this.pinned = undefined;
    this.changed.fire();
  }

  /** The slice (`name/vNNNN`) pinning an input hash; manifests are read on first use. */
  readonly lookup: PinnedLookup = (inputHash) => this.load().get(inputHash);

  private load(): Map<string, string> {
    if (this.pinned) return this.pinned;
    const layout = new CorpusLayout(corpusDirOf(this.root));
    try {
      this.pinned = existsSync(layout.slicesDir) ? layout.pinnedInputs() : new Map();
    } catch (error) {
      // a damaged slice manifest: Verify Corpus names it; until then nothing shows as pinned
      this.log(`Reading pinned slices failed: ${reasonOf(error)}`);
      this.pinned = new Map();
    }
    return this.pinned;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
