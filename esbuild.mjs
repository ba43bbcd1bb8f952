// Builds the bundles: the extension in two halves (node/cjs, vscode external), the CLI
// (node/cjs with a shebang), the capture worker, the remote engine, the Parquet reader
// and the webviews (browser/esm), and copies the sql.js wasm beside them. `--watch` rebuilds on change; `--production` minifies.
import { context, build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, chmodSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// zod re-exports its error messages in 40 languages as `z.locales`; we use only the
// English ones it installs by default, so the namespace is bundled as English only
// (about 265 KB less in each bundle).
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: args.importer, namespace: 'zod-locales-en' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-locales-en' }, (args) => ({
      contents: 'export { default as en } from "../locales/en.js";',
      resolveDir: dirname(args.path),
    }));
  },
};

const common = {
  bundle: true,
  plugins: [englishOnlyZodLocales],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  define: { EVALLOOP_VERSION: JSON.stringify(version) },
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node18' };

// The extension is two bundles: what activation loads (dist/extension.js: registering
// every command, view, watcher and the panel serializer) and the rest
// (dist/deferredFeatures.js: the store, sql.js, zod, the format readers, the corpus, the
// panels), which is loaded with `import('./deferredFeatures')` right after activation or
// on first use. That import becomes a require of the second bundle (not a native
// import(): the extension host serves `vscode` to required modules), and the first
// bundle may hold none of the heavy code: the build fails if it does (activation
// compiles only what it runs; see "Activation" in BENCHMARKS.md).
const deferredFeatures = {
  name: 'deferred-features',
  setup(b) {
    b.onResolve({ filter: /^\.\/deferredFeatures$/ }, (args) => (args.kind === 'dynamic-import' ? { path: './deferredFeatures.js', external: true } : undefined));
  },
};
const NOT_AT_ACTIVATION = [/node_modules[\\/]zod[\\/]/, /node_modules[\\/]sql\.js[\\/]/, /node_modules[\\/]fast-xml-parser[\\/]/, /node_modules[\\/]yauzl[\\/]/, /src[\\/]core[\\/]store[\\/](workspaceStore|journalReader|journalEvents|indexProjection)\.ts$/, /src[\\/]core[\\/]formats[\\/]/, /src[\\/]protocol[\\/]/];
const activationStaysLight = {
  name: 'activation-stays-light',
  setup(b) {
    b.onEnd((result) => {
      if (!result.metafile) return;
      // kept beside the bundle (not shipped) for the start-up test
      writeFileSync('dist/extension.meta.json', JSON.stringify(result.metafile));
      const heavy = Object.keys(result.metafile.inputs).filter((input) => NOT_AT_ACTIVATION.some((re) => re.test(input)));
      if (heavy.length) throw new Error(`dist/extension.js must not bundle ${heavy.slice(0, 5).join(', ')}${heavy.length > 5 ? ', …' : ''}: reach it through deferredFeatures.ts`);
    });
  },
};

const configs = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], metafile: true, supported: { 'dynamic-import': false }, plugins: [...common.plugins, deferredFeatures, activationStaysLight] },
  { ...node, entryPoints: ['src/extension/deferredFeatures.ts'], outfile: 'dist/deferredFeatures.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // the read side of large captures, in a worker thread (used by the extension and the CLI)
  { ...node, entryPoints: ['src/core/capture/captureWorker.ts'], outfile: 'dist/captureWorker.js' },
  // the S3 client and the transfers, loaded only when a remote is used (src/core/remote/
  // loadRemoteEngine.ts): larger than the whole extension, which must stay small to activate fast
  { ...node, entryPoints: ['src/core/remote/remoteEngine.ts'], outfile: 'dist/remoteEngine.js' },
  // the Parquet reader, loaded only when a Parquet file is read (loadParquetRows.ts), so the
  // extension and CLI bundles do not grow for users who never read one
  { ...node, entryPoints: ['src/core/formats/parquetRows.ts'], outfile: 'dist/parquetRows.js' },
];
if (existsSync('webview/main.ts')) {
  configs.push({ ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'esm', target: 'es2022' });
}
if (existsSync('webview/agreement/agreementMain.ts')) {
  // the agreement report (Eval Loop: Show Agreement), its own small page
  configs.push({ ...common, entryPoints: ['webview/agreement/agreementMain.ts'], outfile: 'dist/agreement.js', platform: 'browser', format: 'esm', target: 'es2022' });
}

mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');

if (watch) {
  for (const config of configs) await (await context(config)).watch();
} else {
  await Promise.all(configs.map((config) => build(config)));
  chmodSync('dist/cli.js', 0o755);
}
