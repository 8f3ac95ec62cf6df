// The part of busboy 1.x (a dependency of multer, which Nest's platform-express uses) the gateway calls.
declare module 'busboy' {
  import type { IncomingHttpHeaders } from 'node:http';
  import type { Readable, Writable } from 'node:stream';

  interface Busboy extends Writable {
    on(event: 'field', listener: (name: string, value: string) => void): this;
    on(event: 'file', listener: (name: string, stream: Readable, info: { filename?: string }) => void): this;
    on(event: 'close', listener: () => void): this;
    on(event: 'error', listener: (e: Error) => void): this;
  }
  function busboy(config: { headers: IncomingHttpHeaders; limits?: Record<string, number> }): Busboy;
  export default busboy;
}
