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
import type { RegistryConfig } from '../config';
import type { LifecycleRequest } from '../requests/request';
import { REQUEST_TYPE_VI } from '../requests/request-kinds';
import { LetterData, renderRequestLetter } from './letter-pdf';
import { LettersRepository } from './letters.repository';

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
    private readonly letters: LettersRepository,
    private readonly signer: LetterSigner,
  ) {}

  /** Inside the request step's transaction: the letter is kept only if the step commits. */
  async sign(r: LifecycleRequest, pin: string, now: Date, clerkOfficialId?: string): Promise<void> {
    const orgCertId = await this.letters.activeOrganizationCertificateId(r.managingOrganizationId, now);
    if (!orgCertId)
      throw unprocessable(
        'NO_ORGANIZATION_CERTIFICATE',
        'The managing agency has no active organisation certificate to sign the letter',
      );
    const clerkId = await this.letters.activeClerkId(r.managingOrganizationId, clerkOfficialId ?? null);
    if (!clerkId) throw unprocessable('NO_CLERK', 'No active records clerk of the managing agency to sign the letter');
    const pdf = await renderRequestLetter(await this.letterData(r, now));
    const signed = await this.signer.signPdf(pdf, {
      certificateId: orgCertId,
      actingOfficialId: clerkId,
      pin,
      reason: REQUEST_TYPE_VI[r.type],
    });
    await this.letters.upsert({
      requestId: r.id,
      pdf: signed.pdf,
      signedByOfficialId: clerkId,
      certificateId: orgCertId,
      signatureId: signed.signatureId,
    });
  }

  async get(requestId: string): Promise<Uint8Array> {
    const pdf = await this.letters.pdf(requestId);
    if (!pdf) throw notFound('LETTER_NOT_FOUND', `Request ${requestId} has no signed letter yet`);
    return pdf;
  }

  private async letterData(r: LifecycleRequest, now: Date): Promise<LetterData> {
    const { agency, organization: org, official, certificate: cert, device } = await this.letters.facts(r);
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
