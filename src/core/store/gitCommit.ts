// The workspace's current git commit, read from .git directly (no git binary needed).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findGitDir(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, '.git');
    if (existsSync(candidate)) {
      if (statSync(candidate).isDirectory()) return candidate;
      // a worktree or submodule: ".git" is a file naming the real folder
      const m = /^gitdir:\s*(.+)\s*$/m.exec(readFileSync(candidate, 'utf8'));
      if (m) return resolve(dir, m[1]!);
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function gitCommitOf(root: string): string | undefined {
  try {
    const gitDir = findGitDir(root);
    if (!gitDir) return undefined;
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
    if (!ref) return undefined;
    const commonDir = existsSync(join(gitDir, 'commondir')) ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    for (const base of [gitDir, commonDir]) {
      const refFile = join(base, ref);
      if (existsSync(refFile)) return readFileSync(refFile, 'utf8').trim();
    }
    const packed = join(commonDir, 'packed-refs');
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, 'utf8').split('\n')) {
        const [sha, name] = line.split(' ');
        if (name === ref && sha) return sha;
      }
    }
    return undefined; // a branch with no commits yet
  } catch {
    return undefined;
  }
}
