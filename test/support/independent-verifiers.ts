import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findSignatures, signedByteRanges } from '@kyso/pki';

const run = promisify(execFile);

/** poppler's pdfsig with an NSS database trusting `rootPem`: its full text output. */
export async function pdfsig(pdf: Uint8Array, rootPem: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-pdfsig-'));
  try {
    await writeFile(join(dir, 'root.pem'), rootPem);
    await writeFile(join(dir, 'doc.pdf'), pdf);
    await run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
    await run('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'root', '-t', 'CT,C,C', '-i', join(dir, 'root.pem')]);
    const out = await run('pdfsig', ['-nssdir', `sql:${dir}`, join(dir, 'doc.pdf')]).catch(
      (e) => e as { stdout: string; stderr: string },
    );
    return `${out.stdout}${out.stderr}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `openssl cms -verify` on the CMS cut from the PDF's signature number `index`, over the
 * concatenated signed byte ranges. Resolves with openssl's output; rejects when it refuses.
 */
export async function opensslCmsVerify(pdf: Uint8Array, rootPem: string, index = 0): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-cms-'));
  try {
    const sig = findSignatures(pdf)[index];
    await writeFile(join(dir, 'root.pem'), rootPem);
    await writeFile(join(dir, 'sig.p7s'), sig.contents);
    await writeFile(join(dir, 'content.bin'), Buffer.concat(signedByteRanges(pdf, sig.byteRange)));
    const out = await run('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'sig.p7s'),
      '-content',
      join(dir, 'content.bin'),
      '-CAfile',
      join(dir, 'root.pem'),
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ]);
    return `${out.stdout}${out.stderr}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
