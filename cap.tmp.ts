import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureFile } from './src/core/capture/captureFile';
import { WorkspaceStore } from './src/core/store/workspaceStore';
(async () => {
  const root = mkdtempSync(join(tmpdir(), 'capprof-'));
  const store = await WorkspaceStore.open(root, 'default');
  const { Session } = await import('node:inspector');
  const session = new Session(); session.connect();
  const post = (m: string, p?: object) => new Promise<any>((res, rej) => session.post(m, p ?? {}, (e, r) => (e ? rej(e) : res(r))));
  await post('Profiler.enable'); await post('Profiler.start');
  const t = performance.now();
  await captureFile(store, process.argv[2]!);
  console.log('capture ms', performance.now() - t);
  const { profile } = await post('Profiler.stop');
  writeFileSync('/tmp/cap.cpuprofile', JSON.stringify(profile));
  store.close();
})();
