// The whole test run: build, type-check, lint (and the formatting check, once
// enabled), then every test tier, ending with one "N passed, N failed" line. Each
// tier writes TAP into test-results/ for CI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

mkdirSync('test-results', { recursive: true });

function step(title, command, args) {
  process.stdout.write(`\n── ${title}\n`);
  const r = spawnSync(command, args, { stdio: 'inherit' });
  return r.status === 0;
}

function tapCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 1 };
  const text = readFileSync(file, 'utf8');
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { passed: count('pass'), failed: count('fail') + count('cancelled') };
}

let passed = 0;
let failed = 0;

// the packaged .vsix is what the end-to-end tier installs into code-server
if (!step('build and package the .vsix', 'npm', ['run', '--silent', 'package'])) failed++;
else passed++;
if (!step('type-check', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.'])) failed++;
else passed++;
if (!step('lint', 'npm', ['run', '--silent', 'lint'])) failed++;
else passed++;
if (!step('format check', 'npm', ['run', '--silent', 'format:check'])) failed++;
else passed++;

// Node 20's test runner does not expand globs itself
const testFiles = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));
const tiers = [
  { name: 'unit', files: testFiles('test/unit'), concurrency: 2 },
  // SIGKILLs at random moments of capture, review, checkpoint and snapshot (CRASH_KILLS, default 200)
  { name: 'crash', files: testFiles('test/crash'), concurrency: 1 },
  // the review panel's built bundle in Debian's chromium, against a stand-in host
  { name: 'webview', files: testFiles('test/webview'), concurrency: 1 },
  // the end-to-end tier sets up code-server itself (scripts/setup-e2e.sh, cached)
  { name: 'e2e', files: testFiles('test/e2e'), concurrency: 1 },
];
// `npm test -- e2e` (or unit, crash, webview) runs only the named tiers
const only = process.argv.slice(2);
const chosen = only.length ? tiers.filter((t) => only.includes(t.name)) : tiers;
if (only.length && chosen.length !== only.length) throw new Error(`unknown tier in ${only.join(' ')} (tiers: ${tiers.map((t) => t.name).join(', ')})`);
// chromium, Node 24 and code-server for the browser tiers (cached after the first run)
if (!step('browser and code-server set-up', 'bash', ['scripts/setup-e2e.sh'])) failed++;
else passed++;
// the real promptfoo, which a unit test runs an exported slice with (cached after the first run)
if (chosen.some((t) => t.name === 'unit')) {
  if (!step('promptfoo set-up', 'bash', ['scripts/setup-promptfoo.sh'])) failed++;
  else passed++;
}

for (const tier of chosen) {
  const tap = `test-results/${tier.name}.tap`;
  rmSync(tap, { force: true });
  step(`${tier.name} tests`, process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${tier.concurrency}`, '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...tier.files]);
  const counts = tapCounts(tap);
  passed += counts.passed;
  failed += counts.failed;
}

process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
