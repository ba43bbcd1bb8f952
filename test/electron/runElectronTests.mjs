// `npm run test:electron`: the in-editor checks (inEditorChecks.ts) in a desktop VS Code
// downloaded by @vscode/test-electron, by default the oldest version engines.vscode
// allows (EVALLOOP_VSCODE_VERSION=stable for the newest). Needs internet for the
// download and a display (xvfb-run on a headless Linux machine).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = process.env.EVALLOOP_FIXTURES ?? resolve(repo, 'test/fixtures/eval-formats');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const oldest = manifest.engines.vscode.replace(/^\^/, '');

if (spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' }).status !== 0) process.exit(1);
const suite = join(repo, 'out/test-electron/inEditorChecks.js');
await build({
  entryPoints: [join(repo, 'test/electron/inEditorChecks.ts')],
  outfile: suite,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  logLevel: 'warning',
});

// a workspace where the default watch globs find results, plus seeds the checks add later
const workspace = mkdtempSync(join(tmpdir(), 'evalloop-electron-ws-'));
cpSync(join(fixtures, 'inspect_ai'), join(workspace, 'logs'), { recursive: true });
cpSync(join(fixtures, 'lm_eval'), join(workspace, 'lm_eval_out'), { recursive: true });
mkdirSync(join(workspace, 'reports'));
cpSync(join(fixtures, 'junit/junit.fail.xml'), join(workspace, 'reports/junit.fail.xml'));
mkdirSync(join(workspace, 'seeds'));
mkdirSync(join(workspace, 'promptfoo'));
cpSync(join(fixtures, 'promptfoo/sample-export.json'), join(workspace, 'seeds/pf-sample.json'));
cpSync(join(fixtures, 'openai_evals/230417220821DPM75QNS_auto_gpt_completion_fn_test-match.jsonl'), join(workspace, 'seeds/openai-evals.jsonl'));

const version = process.env.EVALLOOP_VSCODE_VERSION ?? oldest;
console.log(`in-editor checks in VS Code ${version}, workspace ${workspace}`);
try {
  await runTests({
    version,
    extensionDevelopmentPath: repo,
    extensionTestsPath: suite,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (error) {
  console.error(`in-editor checks failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
