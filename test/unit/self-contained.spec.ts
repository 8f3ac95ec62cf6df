import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, repoFiles } from '../support/repo-files';

/**
 * The folder beside the project on the developers' machines; written in two parts so that this
 * file does not match itself.
 */
const OUTSIDE = new RegExp(['shared', '/(conformance|seeds|docs|hooks)\\b'].join(''));

describe('the repository is self-contained', () => {
  it('no tracked .ts, .js or .sh file refers to the shared folder outside the repository', () => {
    const code = repoFiles().filter((f) => /\.(ts|[cm]?js|sh)$/.test(f));
    expect(code.length).toBeGreaterThan(100);
    const offenders = code.flatMap((f) =>
      readFileSync(join(REPO_ROOT, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
