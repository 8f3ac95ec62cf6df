import { PkiFormatError } from '../errors';
import { Crl } from '../revocation/crl';
import { Certificate } from '../x509/certificate';
import { derObjects } from '../asn1';
import { MAX_PKI_FILE_BYTES, MAX_PDF_FILE_BYTES, MAX_CRL_FILE_BYTES } from '../budgets';

/** An input file that cannot be read or is not what it should be: exit code 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

export interface FileReader {
  readFile(path: string, maxBytes: number): Uint8Array;
}

function read(io: FileReader, path: string, maxBytes: number): Uint8Array {
  try {
    return io.readFile(path, maxBytes);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException)?.code;
    throw new InputError('INPUT_UNREADABLE', `${path}: cannot read (${code ?? (e as Error)?.message ?? 'error'})`);
  }
}

function parsed<T>(path: string, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof PkiFormatError)
      throw new InputError(e.code, `${path}: not a readable ${what} (${e.code}: ${e.message})`);
    throw new InputError('INPUT_MALFORMED', `${path}: not a readable ${what}`);
  }
}

/** Budget: bytes of a policy file. */
export const MAX_POLICY_FILE_BYTES = 64 * 1024;

/** A small UTF-8 text file (a policy). */
export function readText(io: FileReader, path: string): string {
  return Buffer.from(read(io, path, MAX_POLICY_FILE_BYTES)).toString('utf8');
}

/** All certificates in a file (PEM blocks or one DER certificate). */
export function certificatesFromBytes(path: string, bytes: Uint8Array): Certificate[] {
  return parsed(path, 'certificate', () => Certificate.parseAll(bytes));
}

export function readCertificates(io: FileReader, path: string): Certificate[] {
  return certificatesFromBytes(path, read(io, path, MAX_PKI_FILE_BYTES));
}

/** CRLs in a file (PEM "X509 CRL" blocks or DER); signature and scope are the CRL checker's job. */
export function crlsFromBytes(path: string, bytes: Uint8Array): Crl[] {
  return parsed(path, 'CRL', () => derObjects(bytes, ['X509 CRL', 'CRL']).map((d) => Crl.fromDer(d)));
}

export function readCrls(io: FileReader, path: string): Crl[] {
  return crlsFromBytes(path, read(io, path, MAX_CRL_FILE_BYTES));
}

export function readPdf(io: FileReader, path: string): Uint8Array {
  const bytes = read(io, path, MAX_PDF_FILE_BYTES);
  if (bytes.length === 0) throw new InputError('EMPTY_FILE', `${path}: the file is empty`);
  return bytes;
}
