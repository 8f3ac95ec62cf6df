import { Injectable } from '@nestjs/common';
import {
  CALLER_HEADER,
  encodeCaller,
  InternalClient,
  notFound,
  serviceCaller,
  toProblemError,
  unprocessable,
} from '@kyso/common';
import { SIGN_PDF_PATH, signedPdfAnswer, signPdfForm } from '@kyso/contracts';
import { DataSource, EntityManager } from 'typeorm';
import type { RegistryConfig } from '../config';
import type { LifecycleRequest } from '../requests/request';
import { REQUEST_TYPE_VI } from '../requests/request-kinds';
import { RequestLetterEntity } from './letter.entity';
import { LetterData, renderRequestLetter } from './letter-pdf';

/** Port: signs a PDF through the signer with a certificate for an acting official. */
export abstract class LetterSigner {
  abstract signPdf(
    pdf: Uint8Array,
    req: { certificateId: string; actingOfficialId: string; pin: string; reason: string },
  ): Promise<{ pdf: Uint8Array; signatureId: string | null }>;
}

/**
 * The signer service over HTTP (POST /signatures/pdf, multipart), as the registry itself; the form
 * and the answer are the sign-PDF contract (a malformed answer is a 502, never a stored letter).
 */
export class HttpLetterSigner extends LetterSigner {
  constructor(private readonly client: InternalClient) {
    super();
  }

  async signPdf(
    pdf: Uint8Array,
    req: { certificateId: string; actingOfficialId: string; pin: string; reason: string },
  ) {
    const res = await this.client.request('POST', SIGN_PDF_PATH, {
      body: signPdfForm(pdf, 'de-nghi.pdf', req),
      headers: { [CALLER_HEADER]: encodeCaller(serviceCaller('registry')) },
    });
    if (!res.ok) throw toProblemError(res.status, await res.text());
    return signedPdfAnswer(res, this.client.name);
  }
}

export const letterSignerFactory = (config: RegistryConfig): LetterSigner =>
  new HttpLetterSigner(
    new InternalClient(config.signerUrl ?? 'http://127.0.0.1:3001', config.internalToken, 60_000, 'the signer service'),
  );

/**
 * The approved request as a letter to the CA, signed with the managing agency's organisation
 * certificate by its records clerk (who keeps that certificate, regulation Art 31).
 */
@Injectable()
export class LettersService {
  constructor(
    private readonly db: DataSource,
    private readonly signer: LetterSigner,
  ) {}

  async sign(m: EntityManager, r: LifecycleRequest, pin: string, now: Date, clerkOfficialId?: string): Promise<void> {
    const [orgCert] = await m.query(
      `SELECT id FROM registry.certificate WHERE subject_type = 'organization' AND organization_id = $1 AND status = 'active'
        AND not_before <= $2 AND not_after >= $2 ORDER BY not_after DESC LIMIT 1`,
      [r.managingOrganizationId, now],
    );
    if (!orgCert)
      throw unprocessable(
        'NO_ORGANIZATION_CERTIFICATE',
        'The managing agency has no active organisation certificate to sign the letter',
      );
    const [clerk] = await m.query(
      `SELECT id FROM registry.official WHERE organization_id = $1 AND 'clerk' = ANY (roles) AND employment_status = 'active'
        AND ($2::uuid IS NULL OR id = $2) ORDER BY created_at LIMIT 1`,
      [r.managingOrganizationId, clerkOfficialId ?? null],
    );
    if (!clerk) throw unprocessable('NO_CLERK', 'No active records clerk of the managing agency to sign the letter');
    const pdf = await renderRequestLetter(await this.letterData(m, r, now));
    const signed = await this.signer.signPdf(pdf, {
      certificateId: orgCert.id,
      actingOfficialId: clerk.id,
      pin,
      reason: REQUEST_TYPE_VI[r.type],
    });
    await m.getRepository(RequestLetterEntity).upsert(
      {
        requestId: r.id,
        pdf: Buffer.from(signed.pdf),
        signedByOfficialId: clerk.id,
        certificateId: orgCert.id,
        signatureId: signed.signatureId,
      },
      ['requestId'],
    );
  }

  async get(requestId: string): Promise<Uint8Array> {
    const row = await this.db.getRepository(RequestLetterEntity).findOneBy({ requestId });
    if (!row) throw notFound('LETTER_NOT_FOUND', `Request ${requestId} has no signed letter yet`);
    return new Uint8Array(row.pdf);
  }

  private async letterData(m: EntityManager, r: LifecycleRequest, now: Date): Promise<LetterData> {
    const [agency] = await m.query(
      'SELECT o.name, o.address, p.name AS parent_name FROM registry.organization o LEFT JOIN registry.organization p ON p.id = o.parent_id WHERE o.id = $1',
      [r.managingOrganizationId],
    );
    const [org] = await m.query('SELECT name FROM registry.organization WHERE id = $1', [r.organizationId]);
    const [official] = r.officialId
      ? await m.query('SELECT full_name, email, title FROM registry.official WHERE id = $1', [r.officialId])
      : [];
    const [cert] = r.certificateId
      ? await m.query('SELECT serial_number, subject_type FROM registry.certificate WHERE id = $1', [r.certificateId])
      : [];
    const [device] = r.deviceId
      ? await m.query('SELECT serial_number FROM registry.key_device WHERE id = $1', [r.deviceId])
      : [];
    const kind = (
      r.type === 'issue' ? r.details.subjectType : (cert?.subject_type ?? (official ? 'person' : 'organization'))
    ) as LetterData['subject']['kind'];
    const name =
      kind === 'person'
        ? official?.full_name
        : kind === 'device'
          ? String(r.details.deviceName ?? device?.serial_number ?? '')
          : org?.name;
    const fields: [string, string][] = Object.entries(r.details)
      .filter(
        ([k, v]) => typeof v === 'string' && !['subjectType', 'publicKeySpki', 'keyUri', 'deviceName'].includes(k),
      )
      .map(([k, v]) => [k, v as string]);
    return {
      requestId: r.id,
      type: r.type,
      reason: r.reason,
      agency: { name: agency.name, parentName: agency.parent_name, address: agency.address },
      subject: {
        kind,
        name: name ?? '',
        title: kind === 'person' ? official?.title : undefined,
        email: kind === 'person' ? official?.email : undefined,
        organizationName: org?.name ?? '',
      },
      certificateSerial: cert?.serial_number ?? null,
      deviceSerial: device?.serial_number ?? null,
      fields,
      date: now,
      signerTitle: 'Thủ trưởng cơ quan',
    };
  }
}
