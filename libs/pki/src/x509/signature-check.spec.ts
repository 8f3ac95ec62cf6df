import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePath } from '../validation/validate-path';
import { Certificate } from './certificate';

/** Roots and leaves made by openssl, an independent implementation, for each signature algorithm. */
const dir = mkdtempSync(join(tmpdir(), 'kyso-sigalg-'));
const ossl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
writeFileSync(
  join(dir, 'leaf.ext'),
  'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nauthorityKeyIdentifier=keyid\n',
);

function pair(name: string, keyArgs: string[], signArgs: string[] = []): { root: Certificate; leaf: Certificate } {
  ossl('genpkey', ...keyArgs, '-out', `${name}-ca.key`);
  ossl(
    'req',
    '-x509',
    '-new',
    '-key',
    `${name}-ca.key`,
    '-subj',
    `/C=VN/CN=${name} Root`,
    '-days',
    '30',
    '-config',
    '/dev/null',
    ...signArgs,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-addext',
    'subjectKeyIdentifier=hash',
    '-out',
    `${name}-ca.pem`,
  );
  ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}-leaf.key`);
  ossl(
    'req',
    '-new',
    '-key',
    `${name}-leaf.key`,
    '-subj',
    `/C=VN/CN=${name} Leaf`,
    '-config',
    '/dev/null',
    '-out',
    `${name}-leaf.csr`,
  );
  ossl(
    'x509',
    '-req',
    '-in',
    `${name}-leaf.csr`,
    '-CA',
    `${name}-ca.pem`,
    '-CAkey',
    `${name}-ca.key`,
    '-set_serial',
    '7',
    '-days',
    '10',
    '-extfile',
    'leaf.ext',
    ...signArgs,
    '-out',
    `${name}-leaf.pem`,
  );
  return {
    root: Certificate.parse(readFileSync(join(dir, `${name}-ca.pem`), 'utf8')),
    leaf: Certificate.parse(readFileSync(join(dir, `${name}-leaf.pem`), 'utf8')),
  };
}

describe('certificate signature algorithms', () => {
  it.each([
    ['RSA PKCS#1 v1.5 SHA-256', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], ['-sha256']],
    [
      'RSA-PSS SHA-256',
      ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
    ],
    [
      'RSA-PSS SHA-256 with MGF1-SHA-1 (the RFC 4055 default, [1] absent)',
      ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      ['-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_mgf1_md:sha1', '-sigopt', 'rsa_pss_saltlen:32'],
    ],
    ['ECDSA P-384 SHA-384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], ['-sha384']],
    ['ECDSA P-521 SHA-512', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'], ['-sha512']],
    [
      'ECDSA brainpoolP384r1 SHA-384',
      ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP384r1'],
      ['-sha384'],
    ],
    ['Ed25519', ['-algorithm', 'ED25519'], []],
  ])('verifies %s and detects a flipped bit', (name, keyArgs, signArgs) => {
    const { root, leaf } = pair(name.replace(/[^A-Za-z0-9]/g, ''), keyArgs, signArgs);
    const base = { trustAnchors: [root], validationTime: new Date(), purpose: 'documentSigning' as const };
    const r = validatePath({ ...base, leaf });
    expect(r.reasons.map((x) => x.code)).toEqual(['REVOCATION_NOT_CHECKED']);
    const bytes = new Uint8Array(leaf.der);
    bytes[bytes.length - 2] ^= 0x01;
    const bad = validatePath({ ...base, leaf: Certificate.fromDer(bytes) });
    expect(bad.reasons[0]).toMatchObject({ code: 'CERTIFICATE_SIGNATURE_INVALID', certificateIndex: 0 });
  });
});
