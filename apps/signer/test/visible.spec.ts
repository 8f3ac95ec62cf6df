import type { NestExpressApplication } from '@nestjs/platform-express';
import { FixedClock } from '@kyso/common';
import { DevCa } from '@kyso/pki/devca';
import { verifyPdf } from '@kyso/pki';
import { PDFDocument, PDFHexString, PDFName, type PDFDict } from 'pdf-lib';
import { DocumentSignatureCheck, OfficialDirectory } from '../src/leader-signature';
import { Client } from 'pg';
import request from 'supertest';
import { makeTemplatePdf, poppler, renderPage, solidPng } from '../../../libs/pki/test-fixtures/appearance';
import { createTestDatabase } from '../../../test/support/db';
import { asBuffer } from '../../../test/support/http';
import { createActiveTestToken, TestToken } from '../../../test/support/token';
import { createSignerApp } from '../src/app';
import { localCheckFor } from './local-certificate-check';
import { migrateSigner } from '../src/data-source';
import { startRegistryStub } from './registry-stub';
import { generateTokenKeys } from './token-keys';
import { INTERNAL, stopSignerParts, stubCertificate, testSignerConfig } from './support';

const NOW = new Date('2025-11-20T03:00:00Z');
const LEADER = 'official-leader';
const CLERK = 'official-clerk';
const NO_IMAGE = 'official-without-image';
const ORG = '6f1c3a56-2f0e-4d7a-9a55-0c1d2e3f4a5b';
const isBlue = ([r, g, b]: number[]) => b > 150 && r < 90 && g < 110;
const isRed = ([r, g, b]: number[]) => r > 170 && g < 90 && b < 90;

/** Visible signatures through the signer: images from the registry, drawn by libs/pki, checked by poppler. */
describe('POST /signatures/pdf with purpose and appearance (SoftHSM2, Postgres, registry stand-in)', () => {
  let token: TestToken;
  let db: { url: string; drop: () => Promise<void> };
  let registry: Awaited<ReturnType<typeof startRegistryStub>>;
  let app: NestExpressApplication;
  let template: Buffer;
  let issuanceTemplate: Buffer;
  let approvedWithFields: Buffer;
  let pg: Client;
  const sign = (fields: Record<string, string>, file: Buffer = template) => {
    let r = request(app.getHttpServer()).post('/signatures/pdf').set('x-kyso-internal-token', INTERNAL);
    for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
    return asBuffer(r.attach('file', file, { filename: 'quyet-dinh.pdf', contentType: 'application/pdf' }));
  };
  const leader = (extra: Record<string, string>, file?: Buffer) =>
    sign({ certificateId: 'leader', pin: '1234', actingOfficialId: LEADER, ...extra }, file);
  const issue = (leaderOfficialId: string) => ({
    purpose: 'issued',
    docNumber: '123/QĐ-UBND',
    issuedDate: '2025-11-20',
    appearance: JSON.stringify({ page: 1, rect: [320, 180, 240, 110], leaderOfficialId }),
  });
  /** The template marked by the e-office as holding state secrets (the information entry /Confidentiality). */
  const secret = async () => {
    const doc = await PDFDocument.load(template);
    (doc as unknown as { getInfoDict(): PDFDict })
      .getInfoDict()
      .set(PDFName.of('Confidentiality'), PDFHexString.fromText('TỐI MẬT'));
    return Buffer.from(await doc.save({ useObjectStreams: false }));
  };
  const clerk = (extra: Record<string, string>, file?: Buffer) =>
    sign({ certificateId: 'org', pin: '1234', actingOfficialId: CLERK, ...extra }, file);

  beforeAll(async () => {
    [token, db] = await Promise.all([createActiveTestToken(), createTestDatabase('kyso_signer')]);
    await migrateSigner(db.url);
    const [personKey, orgKey] = await generateTokenKeys(token, [
      { label: 'leader', id: 1, algorithm: 'ECDSA-P256-SHA256' },
      { label: 'org', id: 2, algorithm: 'ECDSA-P256-SHA256' },
    ]);
    const root = await DevCa.createRoot({ commonName: 'Kyso Visible Root CA' });
    const person = await root.issue({
      subject: { CN: 'Nguyễn Văn A', O: 'Ủy ban nhân dân tỉnh Hà Nam', C: 'VN' },
      publicKeySpki: personKey.publicKeySpki,
      profile: 'person',
    });
    const org = await root.issue({
      subject: { CN: 'Ủy ban nhân dân tỉnh Hà Nam', O: 'Ủy ban nhân dân tỉnh Hà Nam', C: 'VN' },
      publicKeySpki: orgKey.publicKeySpki,
      profile: 'organization',
    });
    const view = (
      id: string,
      cert: typeof person,
      keyUri: string,
      holder: string,
      subjectType: 'person' | 'organization',
    ) => stubCertificate(id, holder, cert, keyUri, [root.certificate], { subjectType, organizationId: ORG });
    const anchors = [root.certificate];
    // The verifier's engine and the registry's officials, as the signer's ports see them.
    const documentSignatures: DocumentSignatureCheck = {
      async check(pdf) {
        const report = await verifyPdf(pdf, { trustAnchors: anchors });
        return report.signatures.map((sig) => ({
          fieldName: sig.fieldName,
          indication: sig.indication,
          subIndication: sig.subIndication,
          certificateSha256: sig.chain[0]?.sha256 ?? null,
          changesAllowed: !sig.modifications.changedAfterSigning || sig.modifications.allowed === true,
        }));
      },
    };
    const officials: OfficialDirectory = {
      async official(id) {
        const title = ({ [LEADER]: 'Chủ tịch', [CLERK]: 'Văn thư' } as Record<string, string | undefined>)[id];
        return title === undefined
          ? undefined
          : { id, fullName: id, title, organizationId: ORG, employmentStatus: 'active' };
      },
      async certificatesOf(id) {
        return id === LEADER ? [{ subjectType: 'person', organizationId: ORG, sha256: person.sha256Hex } as never] : [];
      },
    };
    registry = await startRegistryStub(
      INTERNAL,
      [
        view('leader', person, personKey.ref.uri, LEADER, 'person'),
        view('no-image', person, personKey.ref.uri, NO_IMAGE, 'person'),
        view('org', org, orgKey.ref.uri, CLERK, 'organization'),
      ],
      {
        [`/officials/${LEADER}/signature-image`]: solidPng(300, 120, [20, 40, 200]),
        [`/organizations/${ORG}/seal-image`]: solidPng(300, 300, [220, 20, 30], { pixelsPerMetre: 11811 }),
      },
    );
    app = await createSignerApp(
      testSignerConfig(token, {
        databaseUrl: db.url,
        registryUrl: registry.url,
        maxPdfBytes: 1024 * 1024,
      }),
      {
        clock: new FixedClock(NOW),
        certificateCheck: localCheckFor(root),
        providers: [
          { provide: DocumentSignatureCheck, useValue: documentSignatures },
          { provide: OfficialDirectory, useValue: officials },
        ],
      },
    );
    await app.listen(0, '127.0.0.1');
    template = Buffer.from(await makeTemplatePdf());
    issuanceTemplate = Buffer.from(await makeTemplatePdf({ issuance: true }));
    const approved = await sign(
      {
        certificateId: 'leader',
        pin: '1234',
        actingOfficialId: LEADER,
        purpose: 'approved',
        appearance: JSON.stringify({
          page: 1,
          rect: [320, 400, 200, 90],
          issuanceFields: { issuedDate: { anchorText: 'Hà Nam,', position: 'after', width: 200, height: 16 } },
        }),
      },
      issuanceTemplate,
    );
    expect(approved.status).toBe(200);
    approvedWithFields = approved.body as Buffer;
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await stopSignerParts({ pg, app, registry, db, token });
  });

  it("approved: the leader's image from the registry at the template's anchor, with name and +07:00 time", async () => {
    const res = await leader({
      purpose: 'approved',
      appearance: JSON.stringify({ anchorText: '[CHỮ KÝ LÃNH ĐẠO]', width: 180, height: 90 }),
    });
    expect(res.status).toBe(200);
    const signed = res.body as Buffer;
    expect(isBlue(renderPage(signed).at(420, 260))).toBe(true);
    const text = poppler('pdftotext', signed);
    expect(text).toContain('Nguyễn Văn A');
    expect(text).toContain('2025-11-20T10:00:00+07:00');
    expect(poppler('pdfsig', signed, ['-nocert'])).toContain('Signature Validation: Signature is Valid.');
  });

  it("issued: number and date filled in, the seal over the leader's image; the leader's signature stays valid", async () => {
    const res = await clerk(
      {
        purpose: 'issued',
        docNumber: '123/QĐ-UBND',
        issuedDate: '2025-11-20',
        appearance: JSON.stringify({ page: 1, rect: [320, 180, 240, 110], leaderOfficialId: LEADER }),
      },
      approvedWithFields,
    );
    expect(res.status).toBe(200);
    const issued = res.body as Buffer;
    const page = renderPage(issued);
    const row = 180 + 24 + (110 - 24) / 2;
    const reds = [...Array(240).keys()].filter((i) => isRed(page.at(320 + i + 0.5, row)));
    const blues = [...Array(240).keys()].filter((i) => isBlue(page.at(320 + i + 0.5, row)));
    expect(reds.length).toBeGreaterThan(65);
    expect(blues.length).toBeGreaterThan(60);
    expect(reds[0]).toBeLessThan(blues[0]); // the seal on the left, over the image
    const text = poppler('pdftotext', issued);
    expect(text).toContain('Ủy ban nhân dân tỉnh Hà Nam');
    expect(text).toContain('Số: 123/QĐ-UBND');
    expect(text).toContain('Hà Nam, ngày 20 tháng 11 năm 2025');
    expect(poppler('pdfsig', issued, ['-nocert']).match(/Signature is Valid\./g)).toHaveLength(2);
    const report = await verifyPdf(issued, { trustAnchors: [] });
    expect(report.signatures[0].modifications).toMatchObject({ changedAfterSigning: true, allowed: true });
  });

  it('approved for a superior (KT.): the capacity shown first and kept as the signature’s reason', async () => {
    const res = await leader({
      purpose: 'approved',
      capacity: 'KT. CHỦ TỊCH',
      appearance: JSON.stringify({ page: 1, rect: [320, 400, 200, 110], lines: ['PHÓ CHỦ TỊCH'] }),
    });
    expect(res.status).toBe(200);
    const text = poppler('pdftotext', res.body as Buffer, ['-x', '320', '-y', '331', '-W', '200', '-H', '110']);
    expect(text.split('\n').filter((l) => l.trim())).toEqual([
      'KT. CHỦ TỊCH',
      'PHÓ CHỦ TỊCH',
      'Nguyễn Văn A',
      '2025-11-20T10:00:00+07:00',
    ]);
    expect(poppler('pdfsig', res.body as Buffer)).toContain('Signer full Distinguished Name');
    expect((res.body as Buffer).toString('latin1')).toMatch(/\/Reason/);
  });

  it('income: the "ĐẾN" stamp with the receiving agency, số đến and ngày đến, top left or under a text', async () => {
    const res = await clerk({ purpose: 'income', incomingNumber: '125' });
    expect(res.status).toBe(200);
    expect(poppler('pdftotext', res.body as Buffer, ['-x', '0', '-y', '0', '-W', '300', '-H', '120'])).toContain(
      'Số: 125',
    );
    expect(poppler('pdfsig', res.body as Buffer, ['-nocert'])).toContain('Signature is Valid.');
    // Under the template's reference line (y 660), clear of the heading: read back line by line.
    const under = await clerk({
      purpose: 'income',
      incomingNumber: '126',
      appearance: '{"anchorText":"Ref: TEMPLATE-01"}',
    });
    expect(under.status).toBe(200);
    const text = poppler('pdftotext', under.body as Buffer, ['-x', '40', '-y', '185', '-W', '260', '-H', '100']);
    expect(text.split('\n').filter((l) => l.trim())).toEqual([
      'Ủy ban nhân dân tỉnh Hà Nam',
      'ĐẾN',
      'Số: 126',
      'Ngày: 20/11/2025',
      '2025-11-20T10:00:00+07:00',
    ]);
    const page = renderPage(under.body as Buffer);
    const frame = [...Array(40).keys()].filter((i) => {
      const [r, g, b] = page.at(60.5, 660 - 10 - i);
      return r < 90 && g < 90 && b < 90;
    });
    expect(frame.length).toBeGreaterThan(25); // the stamp's left frame line, under the reference
  });

  it("comment: the official's note above their signature image and name", async () => {
    const res = await leader({
      purpose: 'comment',
      appearance: JSON.stringify({ page: 1, rect: [60, 420, 240, 140], note: 'Đồng ý, giao Sở Tài chính thực hiện.' }),
    });
    expect(res.status).toBe(200);
    const text = poppler('pdftotext', res.body as Buffer);
    expect(text).toContain('Ý kiến: Đồng ý, giao Sở Tài chính thực hiện.');
    expect(isBlue(renderPage(res.body as Buffer).at(180, 530))).toBe(true);
  });

  it('initial: the official’s initials, small, at the anchor', async () => {
    const res = await leader({
      purpose: 'initial',
      appearance: JSON.stringify({ anchorText: 'Ref: TEMPLATE-01', showTime: false }),
    });
    expect(res.status).toBe(200);
    const text = poppler('pdftotext', res.body as Buffer, ['-x', '40', '-y', '160', '-W', '140', '-H', '60']);
    expect(text).toContain('NVA');
  });

  it('copy: the stamp SAO Y, the copying agency and the time, top right of page 1', async () => {
    const res = await clerk({ purpose: 'copy', copyForm: 'SAO Y' });
    expect(res.status).toBe(200);
    const top = poppler('pdftotext', res.body as Buffer, ['-x', '300', '-y', '0', '-W', '295', '-H', '80']);
    expect(top.split('\n').filter((l) => l.trim())).toEqual([
      'SAO Y',
      'Ủy ban nhân dân tỉnh Hà Nam',
      '2025-11-20T10:00:00+07:00',
    ]);
  });

  it('appendix: the document number and the time', async () => {
    const res = await clerk({ purpose: 'appendix', docNumber: '123/QĐ-UBND' });
    expect(res.status).toBe(200);
    const top = poppler('pdftotext', res.body as Buffer, ['-x', '300', '-y', '0', '-W', '295', '-H', '80']);
    expect(top.split('\n').filter((l) => l.trim())).toEqual(['123/QĐ-UBND', '2025-11-20T10:00:00+07:00']);
  });

  it.each([
    ['an anchor the page lacks', () => leader({ appearance: '{"anchorText":"KHÔNG CÓ"}' }), 'ANCHOR_TEXT_NOT_FOUND'],
    [
      'a page the document lacks',
      () => leader({ appearance: '{"page":4,"rect":[0,0,90,40]}' }),
      'APPEARANCE_PAGE_NOT_FOUND',
    ],
    [
      'an official without a signature image',
      () =>
        sign({
          certificateId: 'no-image',
          pin: '1234',
          actingOfficialId: NO_IMAGE,
          appearance: '{"page":1,"rect":[0,0,90,40]}',
        }),
      'SIGNATURE_IMAGE_NOT_FOUND',
    ],
    [
      'issued with a personal certificate',
      () => leader({ ...issue(LEADER) }, approvedWithFields),
      'ORGANIZATION_CERTIFICATE_REQUIRED',
    ],
    [
      'a comment with the organisation’s certificate',
      () => clerk({ purpose: 'comment', appearance: '{"page":1,"rect":[0,0,90,40],"note":"x"}' }),
      'PERSONAL_CERTIFICATE_REQUIRED',
    ],
    [
      'issuing without a signature of the named leader',
      () => clerk(issue(NO_IMAGE), approvedWithFields),
      'LEADER_SIGNATURE_REQUIRED',
    ],
    [
      'issuing for an official whose title is not competent',
      () => clerk(issue(CLERK), approvedWithFields),
      'LEADER_SIGNATURE_REQUIRED',
    ],
    ['issuing a document without number and date fields', () => clerk(issue(LEADER)), 'ISSUANCE_FIELDS_MISSING'],
    [
      'a document marked TỐI MẬT',
      async () => leader({ purpose: 'approved', appearance: '{"page":1,"rect":[0,0,90,40]}' }, await secret()),
      'STATE_SECRET_DOCUMENT',
    ],
  ])('refuses %s with 422 and a stable code, recorded as a refusal', async (_name, call, code) => {
    const res = await call();
    const problem = JSON.parse(res.body.toString());
    expect([res.status, problem.code]).toEqual([422, code]);
    // A who-may-sign refusal names its rule in both languages; an appearance refusal names the field.
    if (!code.startsWith('APPEARANCE') && !code.endsWith('_NOT_FOUND'))
      expect([problem.rule, problem.ruleVi]).toEqual([
        expect.stringMatching(/R17|issue 13/),
        expect.stringMatching(/R17|issue 13/),
      ]);
    else expect(problem.field).toBe('appearance');
    expect(problem.messageVi).toMatch(/\p{L}/u);
    const rows = await pg.query('SELECT outcome FROM signer.signature_events WHERE refusal_code = $1', [code]);
    expect(rows.rows.map((r) => r.outcome)).toContain('refused');
  });
});
