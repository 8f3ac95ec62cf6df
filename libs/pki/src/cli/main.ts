import 'reflect-metadata';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseArgs, parseLang, USAGE, UsageError } from './args';
import { NodeHttpFetcher } from './fetch';
import { InputError } from './inputs';
import { CommandIo, validateChainCommand } from './validate-chain';
import { verifyCommand } from './verify';

export interface CliIo extends CommandIo {
  stderr(text: string): void;
}

/**
 * The `kyso` command line. Returns the exit code: 0 valid, 1 not valid, 2 bad usage or
 * unreadable input. Never throws for bad input; an unexpected error is reported with code 2 too.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.command === '' || args.command === 'help' || args.command === '--help' || args.flags.has('help')) {
      (args.command === '' ? io.stderr : io.stdout)(USAGE);
      return args.command === '' ? 2 : 0;
    }
    const lang = parseLang(args.values.get('lang'));
    if (args.command === 'validate-chain') return await validateChainCommand(args, io, lang);
    if (args.command === 'verify') return await verifyCommand(args, io, lang);
    throw new UsageError(`Unknown command "${args.command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`kyso: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof InputError) {
      io.stderr(`kyso: ${e.message}\n`);
      return 2;
    }
    io.stderr(`kyso: unexpected error: ${(e as Error)?.message ?? String(e)}\n`);
    return 2;
  }
}

/** Reads a whole file, refusing one larger than `maxBytes` before reading it. */
function readFileBounded(path: string, maxBytes: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new InputError('INPUT_TOO_LARGE', `${path}: larger than ${maxBytes} bytes`);
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, off);
  } finally {
    closeSync(fd);
  }
}

export function nodeIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readFile: readFileBounded,
    now: () => new Date(),
    fetcher: new NodeHttpFetcher(),
  };
}

if (require.main === module) {
  void main(process.argv.slice(2), nodeIo()).then((code) => {
    process.exitCode = code;
  });
}
