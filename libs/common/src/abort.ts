import { EventEmitter } from 'node:events';

/**
 * An abort signal as undici accepts one (an EventEmitter with `aborted` and `reason` that emits
 * 'abort'), far cheaper to make than an AbortController and its AbortSignal, an EventTarget: the
 * gateway made two of those per proxied request (issue 16.3).
 */
export class Abort extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}
