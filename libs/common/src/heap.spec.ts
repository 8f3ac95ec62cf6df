import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleKind, transpileModule } from 'typescript';

describe('tuneHeap', () => {
  const heapJs = transpileModule(readFileSync(join(__dirname, 'heap.ts'), 'utf8'), {
    compilerOptions: { module: ModuleKind.CommonJS },
  }).outputText;

  /** The growth factor V8 applied when it set the old generation's next limit after a full GC. */
  const factorAfterGc = (tune: boolean) => {
    const script = `const module = { exports: {} };
      new Function('exports', 'require', 'module', ${JSON.stringify(heapJs)})(module.exports, require, module);
      ${tune ? 'module.exports.tuneHeap();' : ''}
      global.gc();`;
    const out = execFileSync(process.execPath, ['--expose-gc', '--trace-gc-verbose', '-e', script], {
      encoding: 'utf8',
    });
    return [...out.matchAll(/\[HeapController\] Limit: .*\(([\d.]+)\)/g)].map((m) => Number(m[1])).pop();
  };

  it('makes V8 let the old generation grow to twice its live size before the next major GC', () => {
    expect(factorAfterGc(true)).toBe(2);
    expect(factorAfterGc(false)).toBeDefined();
    expect(factorAfterGc(false)).not.toBe(2);
  });
});
