import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');

/** Never part of the sources: installed, built or generated at run time (.gitignore). */
const UNTRACKED_DIRS = new Set(['.git', 'node_modules', 'dist', 'var', 'coverage']);

/**
 * The repository's files, relative to its root: `git ls-files` in a clone, else (an exported tree)
 * every file outside the ignored folders.
 */
export function repoFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\0')
      .filter(Boolean);
  } catch {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) {
          if (!UNTRACKED_DIRS.has(e.name)) walk(join(dir, e.name));
        } else out.push(relative(REPO_ROOT, join(dir, e.name)));
      }
    };
    walk(REPO_ROOT);
    return out;
  }
}
