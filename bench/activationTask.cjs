// Extension activation, timed in Node: loading the production `dist/extension.js` (the
// bundle package.json's `main` names) and `activate()` returning, with a recording
// stand-in for the `vscode` module (every API call succeeds and returns another
// stand-in) and one workspace folder. sql.js must not load during activation: the task
// reports whether it did and which of dist/'s bundles were loaded, then times loading
// the deferred half (dist/deferredFeatures.js, what runs right after activation or on
// the first command, view or panel), when there is one. Prints one JSON line.
// Plain CommonJS run by node itself: a TypeScript loader would transform the bundle as
// it loads and inflate the time measured.
'use strict';
const Module = require('node:module');
const { existsSync, mkdtempSync, realpathSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const root = mkdtempSync(join(tmpdir(), 'evalloop-activate-'));

function standIn(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'get') return (_key, fallback) => fallback;
      if (prop === 'workspaceFolders') return [{ uri: { scheme: 'file', fsPath: root, path: root }, name: 'bench', index: 0 }];
      if (prop === 'isTrusted') return true;
      return standIn(`${name}.${String(prop)}`);
    },
    set: () => true,
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`),
  });
}

// the namespaces and classes the extension uses, as own properties (the bundle copies them)
const API = 'CodeLens Diagnostic DiagnosticSeverity Disposable EventEmitter Location MarkdownString Position ProgressLocation Range RelativePattern Selection StatusBarAlignment TextEditorRevealType ThemeColor ThemeIcon TreeItem TreeItemCollapsibleState Uri ViewColumn commands languages window workspace env extensions';
const vscode = Object.fromEntries(API.split(' ').map((name) => [name, standIn(name)]));
const loader = Module;
const original = loader._load;
let sqlLoaded = false;
loader._load = (request, parent, isMain) => {
  if (request === 'vscode') return vscode;
  return original(request, parent, isMain);
};

const t0 = performance.now();
const extension = require(resolve(require(resolve('package.json')).main));
const t1 = performance.now();
const context = { subscriptions: [], extensionUri: { fsPath: resolve('.') }, globalState: standIn('globalState'), workspaceState: standIn('workspaceState') };
void Promise.resolve(extension.activate(context)).then(() => {
  const t2 = performance.now();
  // the wasm is read from dist/ when sql.js initialises: nothing of it may happen before activate() returns
  sqlLoaded = Object.keys(require.cache).some((k) => k.includes('sql-wasm'));
  const dist = realpathSync(resolve('dist'));
  const bundlesLoaded = Object.keys(require.cache)
    .filter((k) => k.startsWith(dist))
    .map((k) => k.slice(dist.length + 1));
  // what the first command, view or panel then loads (nothing more where the extension is one bundle)
  const deferred = resolve('dist/deferredFeatures.js');
  const t3 = performance.now();
  if (existsSync(deferred) && !bundlesLoaded.includes('deferredFeatures.js')) require(deferred);
  const deferredLoadMs = performance.now() - t3;
  process.stdout.write(`${JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, sqlLoadedDuringActivation: sqlLoaded, bundlesLoaded, deferredLoadMs })}\n`);
  rmSync(root, { recursive: true, force: true });
  process.exit(0);
});
