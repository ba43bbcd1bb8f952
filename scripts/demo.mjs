// `npm run demo`: builds the extension, sets up code-server (cached), writes a demo
// workspace with eval results from several tools, captures their failures, and
// serves the real extension in a real VS Code at a printed localhost URL.
// Ctrl+C stops code-server and everything it started.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const port = Number(process.env.EVALLOOP_DEMO_PORT ?? 8765);
const demoDir = join(repo, '.demo');
const workspace = join(demoDir, 'workspace');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
  return r.stdout;
}

console.log('demo: building the extension');
run(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });

console.log('demo: setting up code-server (cached after the first run)');
const setup = Object.fromEntries(
  run('bash', ['scripts/setup-e2e.sh'])
    .trim()
    .split('\n')
    .map((l) => l.split('=')),
);

// the extension, installed as a folder named <publisher>.<name>-<version>
const extensionsDir = join(demoDir, 'extensions');
const extensionDir = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
rmSync(extensionsDir, { recursive: true, force: true });
mkdirSync(extensionDir, { recursive: true });
for (const entry of ['package.json', 'dist', 'media', 'README.md', 'LICENSE']) {
  if (existsSync(join(repo, entry))) cpSync(join(repo, entry), join(extensionDir, entry), { recursive: true, filter: (src) => !src.endsWith('.map') });
}

const userDir = join(demoDir, 'user');
mkdirSync(join(userDir, 'User'), { recursive: true });
writeFileSync(join(userDir, 'User', 'settings.json'), JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden' }, null, 2));

if (!existsSync(workspace)) {
  console.log('demo: writing the demo workspace');
  run(process.execPath, ['demo/createDemoWorkspace.mjs', workspace]);
  run('git', ['init', '-q', workspace]);
}
console.log('demo: capturing the sample results');
process.stdout.write(run(process.execPath, ['dist/cli.js', 'capture', workspace, '--root', workspace]));

const child = spawn(setup.NODE24, [setup.CODE_SERVER, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--extensions-dir', extensionsDir, '--user-data-dir', userDir, '--disable-telemetry', '--disable-update-check', workspace], { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
let announced = false;
const announce = (chunk) => {
  if (!announced && /HTTP server listening/.test(String(chunk))) {
    announced = true;
    console.log(`\nEval Loop demo: open http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}\nPress Ctrl+C to stop.\n`);
  }
};
child.stdout.on('data', announce);
child.stderr.on('data', announce);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('\ndemo: stopping code-server');
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  setTimeout(() => process.exit(0), 1500).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => {
  if (!stopping) {
    console.error(`demo: code-server exited (${code})`);
    process.exit(1);
  }
});
