import { setFlagsFromString } from 'node:v8';

/** The old generation may grow to twice its live size before the next major GC. */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Issue 12.5/16.3 (docs/performance.md, gateway Round 5): at a steady, modest pace (the bench's
 * 90 signatures a second) V8 often kept the old generation's limit close to the gateway's live
 * heap (about 52 MB) and ran a major GC every 50 signatures or so, which doubled the gateway's CPU
 * per request. Called first by the gateway, the verifier API and the registry (the services on the
 * bench's request paths with heaps of their own; the signer's big-document RSS budget is left as it is). A fixed growth factor, read by V8 at every limit it sets, keeps those GCs apart;
 * the price is a larger heap between them (bounded by twice the live size, and by the heap limit).
 */
export function tuneHeap(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
