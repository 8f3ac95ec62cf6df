import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

/**
 * `openssl ts -verify` of an RFC 3161 token over `data` (the signature value for a signature
 * timestamp, the signed byte ranges for a document timestamp). Resolves with openssl's output
 * ("Verification: OK"); rejects when it refuses.
 */
export async function opensslTsVerify(token: Uint8Array, data: Uint8Array, caPem: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-ts-'));
  try {
    await writeFile(join(dir, 'ca.pem'), caPem);
    await writeFile(join(dir, 'token.der'), token);
    await writeFile(join(dir, 'data.bin'), data);
    const out = await run('openssl', [
      'ts',
      '-verify',
      '-token_in',
      '-in',
      join(dir, 'token.der'),
      '-data',
      join(dir, 'data.bin'),
      '-CAfile',
      join(dir, 'ca.pem'),
    ]);
    return `${out.stdout}${out.stderr}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Another tool's signature: poppler's pdfsig (NSS) signs `pdf` with the key and certificate given
 * (PEM), as an incremental update (adbe.pkcs7.detached, BER CMS).
 */
export async function signWithPdfsig(
  pdf: Uint8Array,
  signer: { keyPem: string; certificatePem: string; rootPem: string },
): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'kyso-nss-'));
  const nss = `sql:${dir}`;
  try {
    await writeFile(join(dir, 'key.pem'), signer.keyPem);
    await writeFile(join(dir, 'cert.pem'), signer.certificatePem);
    await writeFile(join(dir, 'root.pem'), signer.rootPem);
    await writeFile(join(dir, 'in.pdf'), pdf);
    const p12 = join(dir, 'signer.p12');
    await run(
      'openssl',
      ['pkcs12', '-export', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem')].concat([
        '-name',
        'nss-signer',
        '-out',
        p12,
        '-passout',
        'pass:',
      ]),
    );
    await run('certutil', ['-N', '-d', nss, '--empty-password']);
    await run('pk12util', ['-i', p12, '-d', nss, '-W', '']);
    await run('certutil', ['-A', '-d', nss, '-n', 'root', '-t', 'CT,C,C', '-i', join(dir, 'root.pem')]);
    await run('pdfsig', [
      '-nssdir',
      nss,
      '-add-signature',
      '-nick',
      'nss-signer',
      join(dir, 'in.pdf'),
      join(dir, 'out.pdf'),
    ]);
    return new Uint8Array(await readFile(join(dir, 'out.pdf')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
