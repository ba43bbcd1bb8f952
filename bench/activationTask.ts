// Extension activation, timed in Node: loading the production `dist/extension.js` and
// `activate()` returning, with a recording stand-in for the `vscode` module (every API
// call succeeds and returns another stand-in) and one workspace folder. sql.js must not
// load during activation: the task reports whether it did. Prints one JSON line.
import Module from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = mkdtempSync(join(tmpdir(), 'evalloop-activate-'));

function standIn(name: string): unknown {
  const fn = function () {};
  return new Proxy(fn, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'get') return (_key: string, fallback?: unknown) => fallback;
      if (prop === 'workspaceFolders') return [{ uri: { scheme: 'file', fsPath: root, path: root }, name: 'bench', index: 0 }];
      if (prop === 'isTrusted') return true;
      return standIn(`${name}.${String(prop)}`);
    },
    set: () => true,
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`) as object,
  });
}

// the namespaces and classes the extension uses, as own properties (the bundle copies them)
const API = 'Disposable EventEmitter MarkdownString Position ProgressLocation Range RelativePattern StatusBarAlignment ThemeColor ThemeIcon TreeItem TreeItemCollapsibleState Uri ViewColumn commands languages window workspace env extensions';
const vscode = Object.fromEntries(API.split(' ').map((name) => [name, standIn(name)]));
const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
const original = loader._load;
let sqlLoaded = false;
loader._load = (request, parent, isMain) => {
  if (request === 'vscode') return vscode;
  return original(request, parent, isMain);
};

const t0 = performance.now();
const extension = require(resolve('dist/extension.js')) as { activate(context: unknown): unknown };
const t1 = performance.now();
const context = { subscriptions: [] as unknown[], extensionUri: { fsPath: resolve('.') }, globalState: standIn('globalState'), workspaceState: standIn('workspaceState') };
void Promise.resolve(extension.activate(context)).then(() => {
  const t2 = performance.now();
  // the wasm is read from dist/ when sql.js initialises: nothing of it may happen before activate() returns
  sqlLoaded = Object.keys(require.cache).some((k) => k.includes('sql-wasm'));
  process.stdout.write(`${JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, sqlLoadedDuringActivation: sqlLoaded })}\n`);
  process.exit(0);
});
