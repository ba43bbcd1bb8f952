// Builds the three bundles: the extension (node/cjs, vscode external), the CLI
// (node/cjs with a shebang) and the review webview (browser/esm), and copies the
// sql.js wasm beside them. `--watch` rebuilds on change; `--production` minifies.
import { context, build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  define: { EVALLOOP_VERSION: JSON.stringify(version) },
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node18' };

const configs = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
if (existsSync('webview/main.ts')) {
  configs.push({ ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'esm', target: 'es2022' });
}

mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), 'dist/sql-wasm.wasm');

if (watch) {
  for (const config of configs) await (await context(config)).watch();
} else {
  await Promise.all(configs.map((config) => build(config)));
  chmodSync('dist/cli.js', 0o755);
}
