// Start-up: activating the built extension loads only its small first bundle (no store,
// no sql.js, no schemas, no format readers) yet registers every command, view and the
// panel serializer package.json contributes; the first command loads the rest and
// answers, and the rest has a handler for every command. A small adapter test: `vscode`
// is a stand-in (vscodeStandIn.ts), the bundles are the real ones (npm run build).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from './testSupport';
import { installVscodeStandIn } from './vscodeStandIn';

const EXTENSION = join(REPO_ROOT, 'dist/extension.js');
const DEFERRED = join(REPO_ROOT, 'dist/deferredFeatures.js');

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
}
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const contributedCommands = manifest.contributes.commands.map((c) => c.command);
const contributedViews = Object.values(manifest.contributes.views).flatMap((views) => views.map((v) => v.id));
const restoredPanels = manifest.activationEvents.filter((e) => e.startsWith('onWebviewPanel:')).map((e) => e.slice('onWebviewPanel:'.length));

const loaded = (file: string) => Object.keys(require.cache).includes(file);
const sqlLoaded = () => Object.keys(require.cache).some((k) => /sql-wasm/.test(k));

describe('extension start-up', () => {
  before(() => assert.ok(existsSync(EXTENSION) && existsSync(DEFERRED) && existsSync(join(REPO_ROOT, 'dist/cli.js')), 'dist/ is built (npm run build)'));

  it('the start-up bundle bundles none of zod, sql.js, the store, the format readers or the protocol', () => {
    assert.equal(join(REPO_ROOT, manifest.main), EXTENSION, 'package.json starts the extension from dist/extension.js');
    const meta = JSON.parse(readFileSync(join(REPO_ROOT, 'dist/extension.meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    assert.ok(
      inputs.some((i) => i.endsWith('src/extension/evalLoopExtension.ts')),
      'the metafile is the start-up bundle’s',
    );
    const heavy = inputs.filter((i) => /node_modules[\\/](zod|sql\.js|fast-xml-parser|yauzl)[\\/]|src[\\/]core[\\/](formats|corpus|review)[\\/]|src[\\/]core[\\/]store[\\/](workspaceStore|journalReader|journalEvents|indexProjection)\.ts$|src[\\/]protocol[\\/]/.test(i));
    assert.deepEqual(heavy, []);
  });

  it('activation registers every contributed command, view and the panel serializer, loading only the first bundle; the first command loads the rest and answers', async () => {
    const root = tempDir();
    const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'capture', join(FIXTURES, 'inspect_ai'), '--root', root, '--json'], { encoding: 'utf8' });
    const captured = JSON.parse(cli.stdout) as { totals: { newItems: number } };
    assert.ok(captured.totals.newItems > 0);

    const recorded = installVscodeStandIn(root, { watchEnabled: false });
    const extension = require(EXTENSION) as { activate(context: unknown): void };
    const context = { subscriptions: [] as { dispose(): unknown }[], extensionUri: { fsPath: REPO_ROOT } };
    extension.activate(context);
    const disposables: { dispose(): unknown }[] = [];
    try {
      // before anything else runs: activate() returned with only the first bundle loaded
      assert.equal(loaded(DEFERRED), false, 'activation did not load the deferred half');
      assert.equal(sqlLoaded(), false, 'activation did not load sql.js');
      assert.deepEqual(
        contributedCommands.filter((id) => !recorded.commands.has(id)),
        [],
        'every command in package.json is registered at activation',
      );
      assert.deepEqual(
        contributedViews.filter((id) => !recorded.trees.has(id)),
        [],
        'every view in package.json has its tree at activation',
      );
      assert.ok(restoredPanels.length > 0);
      for (const type of restoredPanels) assert.ok(recorded.serializers.has(type), `a serializer restores ${type} panels`);

      await recorded.commands.get('evalloop.showStatus')!();
      assert.ok(loaded(DEFERRED), 'the first command loaded the deferred half');
      assert.match(recorded.messages.at(-1) ?? '', new RegExp(`Eval Loop: ${captured.totals.newItems} items \\(${captured.totals.newItems} new\\)`));

      const roots = (await recorded.trees.get('evalloop.queue')!.getChildren()) as { kind: string; state: string; count: number }[];
      assert.deepEqual(
        roots.map((r) => [r.kind, r.state, r.count]),
        [['state', 'new', captured.totals.newItems]],
      );

      // the deferred half has a handler for every command the first registered
      // the composition root activate() handed over, with its store session and output
      const ext = context.subscriptions[0] as unknown as { session: unknown; output: unknown };
      const { createFeatures } = require(DEFERRED) as { createFeatures(host: unknown): { commands: Record<string, unknown> } };
      const features = createFeatures({
        context: { output: ext.output, session: ext.session, guard: (_title: string, body: () => Promise<void>) => body(), register: <T extends { dispose(): unknown }>(d: T) => (disposables.push(d), d) },
        extensionUri: { fsPath: REPO_ROOT },
        queueView: undefined,
      });
      assert.deepEqual(
        contributedCommands.filter((id) => typeof features.commands[id] !== 'function'),
        [],
        'every contributed command has a handler in the deferred half',
      );
    } finally {
      for (const d of disposables) d.dispose();
      for (const d of context.subscriptions) d.dispose();
    }
  });
});
