import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { reportedContentSha256 } from './canonical-json';
import type { RecordHashAnswer, RecordHashRequest } from './record-hash-thread';

interface Pending {
  request: RecordHashRequest;
  resolve: (sha256: string) => void;
  reject: (e: unknown) => void;
}

/**
 * Evidence record hashes (`reportedContentSha256`) computed on a thread of their own (issue 16.3):
 * the canonical JSON of a record and its SHA-256 were ~6 % of the verifier API's main thread per
 * fast-path validation, the thread that limits its rate, while the second core had idle time. Only
 * strings and a few small objects cross (the report as the JSON text the INSERT sends anyway).
 * Whatever the thread cannot answer (it failed, exited, or the value could not be sent) is computed
 * here with the same function, so a hash is never different, only sooner or later.
 */
export class RecordHasher {
  private readonly logger = new Logger('RecordHasher');
  private worker?: Worker;
  /** Off for good after the thread failed, and once closed. */
  private off = false;
  private next = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly start: () => Worker = startRecordHashThread) {}

  /** The record's hash: `reportedContentSha256(content, reportJson)`. */
  sha256(content: Record<string, unknown>, reportJson: string): Promise<string> {
    const worker = this.thread();
    const request = { n: this.next++, content, reportJson };
    if (!worker) return inPlace(request);
    return new Promise<string>((resolve, reject) => {
      const p = { request, resolve, reject };
      this.pending.set(request.n, p);
      try {
        worker.postMessage(request);
      } catch {
        // a value the structured clone refuses
        this.pending.delete(request.n);
        settleInPlace(p);
      }
    });
  }

  /** Stops the thread; what it had not answered is computed here. */
  async close(): Promise<void> {
    this.off = true;
    const worker = this.worker;
    this.worker = undefined;
    this.drain();
    await worker?.terminate();
  }

  private thread(): Worker | undefined {
    if (this.worker || this.off) return this.worker;
    let worker: Worker;
    try {
      worker = this.start();
    } catch (e) {
      this.fail(e);
      return undefined;
    }
    // The process may exit while it runs (a service stopping, a spec's end).
    worker.unref();
    worker.on('message', (a: RecordHashAnswer) => {
      const p = this.pending.get(a.n);
      if (!p) return;
      this.pending.delete(a.n);
      if ('sha256' in a) p.resolve(a.sha256);
      else settleInPlace(p);
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new Error(`exited with ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private fail(e: unknown): void {
    if (!this.off) this.logger.warn(`record hash thread off, hashing in place: ${(e as Error)?.message ?? e}`);
    this.off = true;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.drain();
  }

  private drain(): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) settleInPlace(p);
  }
}

function inPlace(r: RecordHashRequest): Promise<string> {
  try {
    return Promise.resolve(reportedContentSha256(r.content, r.reportJson));
  } catch (e) {
    return Promise.reject(e);
  }
}

function settleInPlace(p: Pending): void {
  inPlace(p.request).then(p.resolve, p.reject);
}

/**
 * The thread of record-hash-thread: its compiled module, or (run from the sources, as the specs
 * do) the TypeScript module transpiled as it loads; it imports only canonical-json.
 */
export function startRecordHashThread(): Worker {
  const js = join(__dirname, 'record-hash-thread.js');
  if (existsSync(js)) return new Worker(js);
  const ts = join(__dirname, 'record-hash-thread.ts');
  return new Worker(
    `const { readFileSync } = require('node:fs');
const ts = require('typescript');
require.extensions['.ts'] = (m, file) =>
  m._compile(ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText, file);
require(${JSON.stringify(ts)});`,
    { eval: true },
  );
}
