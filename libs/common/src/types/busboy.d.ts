// The part of busboy 1.x (a dependency of multer, which Nest's platform-express uses) the services call.
declare module 'busboy' {
  import type { IncomingHttpHeaders } from 'node:http';
  import type { Readable, Writable } from 'node:stream';

  interface FieldInfo {
    nameTruncated: boolean;
    valueTruncated: boolean;
  }

  interface Busboy extends Writable {
    on(event: 'field', listener: (name: string, value: string, info: FieldInfo) => void): this;
    on(
      event: 'file',
      listener: (name: string, stream: Readable, info: { filename?: string; mimeType?: string }) => void,
    ): this;
    on(event: 'close' | 'partsLimit' | 'filesLimit' | 'fieldsLimit', listener: () => void): this;
    on(event: 'error', listener: (e: Error) => void): this;
  }
  function busboy(config: {
    headers: IncomingHttpHeaders;
    limits?: Record<string, number>;
    defParamCharset?: string;
  }): Busboy;
  export default busboy;
}
