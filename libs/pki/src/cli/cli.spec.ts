import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { issuePerson } from '../../test-fixtures/signers';
import { FaultKind, faultScenario, FaultScenario, scenarioCas } from '../devca';
import { TestPki } from '../devca/test-pki';
import { signPdf } from '../pades';
import { toPem } from '../asn1';
import { main, nodeIo } from './main';

const run = promisify(execFile);

describe('kyso command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyso-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, data: string | Uint8Array) => (writeFileSync(join(dir, name), data), join(dir, name));
  const now = new Date();
  /** The CLI's clock (io.now); `now` unless a test moves it. */
  let cliNow = now;
  const scenarios = new Map<FaultKind, FaultScenario>();

  async function kyso(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io = {
      ...nodeIo(),
      stdout: (t: string) => void (out += t),
      stderr: (t: string) => void (err += t),
      now: () => cliNow,
    };
    const code = await main(argv, io);
    return { code, out, err };
  }
  /** Files of a scenario: root.pem, sub.pem, leaf.pem (PEM) and leaf.der, crls.pem. */
  const files = (kind: FaultKind) => {
    const s = scenarios.get(kind)!;
    return {
      root: file(`${kind}-root.pem`, s.root.certificate.toPem()),
      sub: file(`${kind}-sub.pem`, s.sub.certificate.toPem()),
      leaf: file(`${kind}-leaf.pem`, s.leaf.toPem()),
      leafDer: file(`${kind}-leaf.der`, s.leaf.der),
      crls: file(`${kind}-crls.pem`, s.crls.map((c) => toPem('X509 CRL', c)).join('')),
    };
  };

  beforeAll(async () => {
    const cas = await scenarioCas({ now });
    for (const kind of ['valid', 'expired', 'revokedBefore', 'revokedAfter', 'wrongKeyUsage'] as const)
      scenarios.set(kind, await faultScenario(kind, { ...cas, now }));
  });

  it('validates a chain: exit 0, the indication, the chain and the reasons', async () => {
    const f = files('valid');
    const r = await kyso('validate-chain', f.leaf, '--anchor', f.root, '--intermediate', f.sub);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('Result: VALID');
    expect(r.out).toContain('Indication: TOTAL-PASSED');
    expect(r.out).toMatch(/\[0\] CN=Nguyễn Văn An[\s\S]*\[2\] CN=Kyso Scenario Root, O=Kyso, C=VN \(trust anchor\)/);
    const json = JSON.parse(
      (await kyso('validate-chain', f.leafDer, '--anchor', f.root, '--intermediate', f.sub, '--json')).out,
    );
    expect(json).toMatchObject({ valid: true, indication: 'TOTAL-PASSED', purpose: 'documentSigning' });
    expect(json.chain).toHaveLength(3);
    // The leaf file may carry the chain (PEM bundle).
    const bundle = file('bundle.pem', readFileSync(f.leaf, 'utf8') + readFileSync(f.sub, 'utf8'));
    expect((await kyso('validate-chain', bundle, '--anchor', f.root)).code).toBe(0);
  });

  it('says why a chain is not valid: exit 1, in English or Vietnamese', async () => {
    const e = files('expired');
    const r = await kyso('validate-chain', e.leaf, '--anchor', e.root, '--intermediate', e.sub);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Result: NOT VALID');
    expect(r.out).toContain('INDETERMINATE / EXPIRED');
    expect(r.out).toMatch(/- \[0\] EXPIRED: The certificate had expired/);
    const vi = await kyso('validate-chain', e.leaf, '--anchor', e.root, '--intermediate', e.sub, '--lang', 'vi');
    expect(vi.out).toContain('Kết quả: KHÔNG HỢP LỆ');
    expect(vi.out).toContain('Chứng thư số đã hết hạn');
    // The same chain was fine a few days earlier.
    expect(
      (
        await kyso(
          'validate-chain',
          e.leaf,
          '--anchor',
          e.root,
          '--intermediate',
          e.sub,
          '--at',
          new Date(now.getTime() - 5 * 86400_000).toISOString(),
        )
      ).code,
    ).toBe(0);

    const v = files('valid');
    expect((await kyso('validate-chain', v.leaf, '--anchor', v.root)).out).toContain('NO_CERTIFICATE_CHAIN_FOUND');
    expect(
      (await kyso('validate-chain', v.leaf, '--anchor', v.root, '--intermediate', v.sub, '--purpose', 'serverAuth'))
        .code,
    ).toBe(1);
    expect(
      (
        await kyso(
          'validate-chain',
          v.leaf,
          '--anchor',
          v.root,
          '--intermediate',
          v.sub,
          '--purpose',
          'any',
          '--max-depth',
          '0',
        )
      ).code,
    ).toBe(1); // 0: no intermediate allowed
    expect(
      (
        await kyso(
          'validate-chain',
          v.leaf,
          '--anchor',
          v.root,
          '--intermediate',
          v.sub,
          '--purpose',
          'any',
          '--max-depth',
          '1',
        )
      ).code,
    ).toBe(0);
    const w = files('wrongKeyUsage');
    expect(
      (await kyso('validate-chain', w.leaf, '--anchor', w.root, '--intermediate', w.sub, '--purpose', 'any')).code,
    ).toBe(0);
    expect(
      (
        await kyso(
          'validate-chain',
          w.leaf,
          '--anchor',
          w.root,
          '--intermediate',
          w.sub,
          '--purpose',
          'any',
          '--key-usage',
          'digitalSignature,nonRepudiation',
        )
      ).code,
    ).toBe(1);
  });

  it('refuses a certificate that breaks the RFC 5280 profile, unless --policy lowers the check', async () => {
    const pki = new TestPki(now);
    const root = pki.root();
    const leaf = pki.leaf(root, { serial: Uint8Array.from({ length: 22 }, (_, i) => i + 1) });
    const rootFile = file('profile-root.pem', root.certificate.toPem());
    const leafFile = file('profile-leaf.pem', leaf.certificate.toPem());
    const strict = await kyso('validate-chain', leafFile, '--anchor', rootFile, '--purpose', 'any', '--json');
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.out).reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'CERTIFICATE_PROFILE_VIOLATION', check: 'serialNumber' }),
      ]),
    );
    const policy = file('policy.json', JSON.stringify({ constraints: { serialNumber: 'warn' } }));
    const lowered = await kyso(
      'validate-chain',
      leafFile,
      '--anchor',
      rootFile,
      '--purpose',
      'any',
      '--policy',
      policy,
    );
    expect(lowered.code).toBe(0);
    expect(lowered.out).toMatch(/\(warn\) CERTIFICATE_PROFILE_VIOLATION/);
    const badPolicy = file('bad-policy.json', JSON.stringify({ constraints: { serialNumbers: 'warn' } }));
    const refused = await kyso('validate-chain', leafFile, '--anchor', rootFile, '--policy', badPolicy);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('unknown check "serialNumbers"');
  });

  it('checks revocation of the leaf and intermediates against --crl, as of --at', async () => {
    const rb = files('revokedBefore');
    const revoked = await kyso(
      'validate-chain',
      rb.leaf,
      '--anchor',
      rb.root,
      '--intermediate',
      rb.sub,
      '--crl',
      rb.crls,
      '--json',
    );
    expect(revoked.code).toBe(1);
    expect(JSON.parse(revoked.out)).toMatchObject({
      valid: false,
      subIndication: expect.stringMatching(/^REVOKED/),
      revocation: { checked: true, status: [{ status: 'revoked', reason: 'keyCompromise' }, { status: 'good' }] },
    });
    const ra = files('revokedAfter');
    const at = scenarios.get('revokedAfter')!.validationTime.toISOString();
    expect(
      (
        await kyso(
          'validate-chain',
          ra.leaf,
          '--anchor',
          ra.root,
          '--intermediate',
          ra.sub,
          '--crl',
          ra.crls,
          '--at',
          at,
        )
      ).code,
    ).toBe(0);
    const v = files('valid');
    const good = await kyso('validate-chain', v.leaf, '--anchor', v.root, '--intermediate', v.sub, '--crl', v.crls);
    expect(good.code).toBe(0);
    expect(good.out).toContain('Revocation: checked');
    // Required: without the root's CRL the subordinate's status is unknown.
    const onlySub = file('only-sub.pem', toPem('X509 CRL', scenarios.get('valid')!.crls[0]));
    expect(
      (await kyso('validate-chain', v.leaf, '--anchor', v.root, '--intermediate', v.sub, '--crl', onlySub)).code,
    ).toBe(1);
    // A CRL dated after the CLI's own clock is no evidence (the clock is the CLI's, not the system's).
    cliNow = new Date(now.getTime() - 86400_000);
    try {
      const early = await kyso(
        'validate-chain',
        v.leaf,
        '--anchor',
        v.root,
        '--intermediate',
        v.sub,
        '--crl',
        v.crls,
        '--json',
      );
      expect(early.code).toBe(1);
      expect(JSON.parse(early.out)).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'TRY_LATER' });
    } finally {
      cliNow = now;
    }
  });

  it('refuses bad usage and unreadable input with exit 2 and a clear message', async () => {
    const v = files('valid');
    const cases: [string[], RegExp][] = [
      [[], /Usage:/],
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['validate-chain', v.leaf], /needs --anchor/],
      [['validate-chain', '--anchor', v.root], /exactly one LEAF/],
      [['validate-chain', v.leaf, '--anchor', v.root, '--at', 'yesterday'], /--at must be an ISO-8601/],
      [['validate-chain', v.leaf, '--anchor', v.root, '--purpose', 'fun'], /--purpose must be/],
      [
        ['validate-chain', v.leaf, '--anchor', v.root, '--key-usage', 'signEverything'],
        /--key-usage: unknown signEverything/,
      ],
      [
        ['validate-chain', v.leaf, '--anchor', v.root, '--max-depth', '-1'],
        /--max-depth needs a value|--max-depth must be/,
      ],
      [['validate-chain', v.leaf, '--anchor', v.root, '--colour'], /Unknown option --colour/],
      [['validate-chain', join(dir, 'missing.pem'), '--anchor', v.root], /missing.pem: cannot read \(ENOENT\)/],
      [
        ['validate-chain', file('junk.pem', 'hello'), '--anchor', v.root],
        /junk.pem: not a readable certificate \(NOT_DER_OR_PEM/,
      ],
      [
        ['validate-chain', file('trunc.der', scenarios.get('valid')!.leaf.der.subarray(0, 100)), '--anchor', v.root],
        /trunc.der: not a readable certificate/,
      ],
      [['validate-chain', v.leaf, '--anchor', v.root, '--crl', v.leaf], /not a readable CRL/],
      [['verify', v.leaf, '--anchor', v.root], /not a readable PDF/],
      [['verify', file('empty.pdf', ''), '--anchor', v.root], /the file is empty/],
    ];
    for (const [argv, message] of cases) {
      const r = await kyso(...argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.err).toMatch(message);
    }
  });

  it('verifies a signed PDF: exit 0 when valid, 1 when changed after signing', async () => {
    const s = scenarios.get('valid')!;
    const { key, cert } = await issuePerson(s.sub, { CN: 'Trần Văn Ký', O: 'Sở Nội vụ', C: 'VN' });
    const sample = readFileSync(join(__dirname, '../../../../docs/samples/cong-van.pdf'));
    const signed = await signPdf(sample, {
      signer: key.signer,
      certificate: cert,
      chain: [s.sub.certificate],
      signingTime: now,
      reason: 'Phê duyệt',
    });
    const root = file('pdf-root.pem', s.root.certificate.toPem());
    const crls = files('valid').crls;
    const ok = await kyso('verify', file('signed.pdf', signed), '--anchor', root, '--crl', crls);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toContain('Conclusion: TOTAL-PASSED');
    expect(ok.out).toContain('Signer: Trần Văn Ký');
    const json = JSON.parse(
      (await kyso('verify', join(dir, 'signed.pdf'), '--anchor', root, '--crl', crls, '--json')).out,
    );
    expect(json).toMatchObject({ conclusion: 'TOTAL-PASSED', signatureCount: 1 });
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf('/Contents') - 40;
    tampered[at] = tampered[at] === 0x20 ? 0x0a : 0x20; // one byte inside the signed range
    expect((await kyso('verify', file('tampered.pdf', tampered), '--anchor', root, '--crl', crls)).code).toBe(1);
    // Never valid without revocation evidence (these CAs name no URL to fetch from).
    const none = await kyso('verify', join(dir, 'signed.pdf'), '--anchor', root, '--json');
    expect(none.code).toBe(1);
    expect(JSON.parse(none.out).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'TRY_LATER',
    });
  });

  it('verifies a PDF with --crl: revocation required, decided from those CRLs', async () => {
    const s = scenarios.get('valid')!;
    const sample = readFileSync(join(__dirname, '../../../../docs/samples/cong-van.pdf'));
    const signedBy = async (CN: string) => {
      const { key, cert } = await issuePerson(
        s.sub,
        { CN, C: 'VN' },
        { notBefore: new Date(now.getTime() - 3600_000) },
      );
      return {
        cert,
        pdf: await signPdf(sample, {
          signer: key.signer,
          certificate: cert,
          chain: [s.sub.certificate],
          signingTime: now,
        }),
      };
    };
    const good = await signedBy('Còn hiệu lực');
    const revoked = await signedBy('Đã thu hồi');
    s.sub.revoke(revoked.cert, { revocationDate: new Date(now.getTime() - 60_000), reason: 'keyCompromise' });
    const before = new Date(now.getTime() - 120_000);
    const crls = file(
      'pdf-crls.pem',
      [await s.root.issueCrl({ thisUpdate: before }), await s.sub.issueCrl({ thisUpdate: before })]
        .map((c) => toPem('X509 CRL', c))
        .join(''),
    );
    const root = file('pdf-crl-root.pem', s.root.certificate.toPem());
    expect((await kyso('verify', file('good.pdf', good.pdf), '--anchor', root, '--crl', crls)).code).toBe(0);
    const r = await kyso('verify', file('revoked.pdf', revoked.pdf), '--anchor', root, '--crl', crls, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).signatures[0]).toMatchObject({
      indication: 'INDETERMINATE',
      subIndication: 'REVOKED_NO_POE',
    });
    const onlyRoot = file('pdf-root-crl.pem', toPem('X509 CRL', await s.root.issueCrl({ thisUpdate: before })));
    const unknown = await kyso('verify', join(dir, 'good.pdf'), '--anchor', root, '--crl', onlyRoot, '--json');
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.out).signatures[0].subIndication).toBe('TRY_LATER');
  });

  it('has a launcher that runs the built CLI, or says to build it', async () => {
    const launcher = join(__dirname, '../../../../bin/kyso.js');
    const built = existsSync(join(__dirname, '../../../../dist/libs/pki/src/cli/main.js'));
    const r = await run('node', [launcher]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(built ? /Usage:/ : /run `npm run build` first/);
  });
});
