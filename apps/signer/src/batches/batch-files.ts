import { createReadStream, ReadStream } from 'node:fs';
import { copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A batch's documents and signed results on disk: `<dir>/<batch id>/<index>.pdf` and
 * `<index>.signed.pdf`. A result is written under a temporary name, flushed, then renamed, so a
 * result file that exists is whole.
 */
export class BatchFiles {
  constructor(private readonly root: string) {}

  private dir(id: string): string {
    return join(this.root, id);
  }

  input(id: string, index: number): string {
    return join(this.dir(id), `${index}.pdf`);
  }

  private output(id: string, index: number): string {
    return join(this.dir(id), `${index}.signed.pdf`);
  }

  /** Moves the uploads (in order) into the batch's directory. */
  async adopt(id: string, uploads: string[]): Promise<void> {
    await mkdir(this.dir(id), { recursive: true, mode: 0o700 });
    for (const [index, path] of uploads.entries()) {
      const to = this.input(id, index);
      await rename(path, to).catch(async (e: NodeJS.ErrnoException) => {
        // The upload directory on another file system than the batch directory.
        if (e.code !== 'EXDEV') throw e;
        await copyFile(path, to);
        await rm(path, { force: true });
      });
    }
  }

  /** Stores the signed PDF (the input followed by the update) for good before anything records it. */
  async keepOutput(id: string, index: number, input: Uint8Array, update: Uint8Array): Promise<void> {
    const part = `${this.output(id, index)}.part`;
    const f = await open(part, 'w', 0o600);
    try {
      await f.write(input);
      await f.write(update);
      await f.sync();
    } finally {
      await f.close();
    }
    await rename(part, this.output(id, index));
  }

  async hasOutput(id: string, index: number): Promise<boolean> {
    return stat(this.output(id, index)).then(
      () => true,
      () => false,
    );
  }

  async removeOutput(id: string, index: number): Promise<void> {
    await rm(this.output(id, index), { force: true });
  }

  async openOutput(id: string, index: number): Promise<{ stream: ReadStream; size: number } | undefined> {
    const path = this.output(id, index);
    const s = await stat(path).catch(() => undefined);
    return s && { stream: createReadStream(path), size: s.size };
  }

  async remove(id: string): Promise<void> {
    await rm(this.dir(id), { recursive: true, force: true });
  }
}
