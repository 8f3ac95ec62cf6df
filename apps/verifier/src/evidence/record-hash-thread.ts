import { parentPort } from 'node:worker_threads';
import { reportedContentSha256 } from './canonical-json';

/** What RecordHasher asks its thread: a record's content without its report, and the report's JSON. */
export interface RecordHashRequest {
  n: number;
  content: Record<string, unknown>;
  reportJson: string;
}

/** The thread's answer: the hash, or why it could not be computed (RecordHasher computes it again in place). */
export type RecordHashAnswer = { n: number; sha256: string } | { n: number; error: string };

/**
 * The record hash thread (record-hasher.ts): the canonical JSON and SHA-256 of fast-path evidence
 * records, off the API's main thread.
 */
parentPort?.on('message', (m: RecordHashRequest) => {
  let answer: RecordHashAnswer;
  try {
    answer = { n: m.n, sha256: reportedContentSha256(m.content, m.reportJson) };
  } catch (e) {
    answer = { n: m.n, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer);
});
