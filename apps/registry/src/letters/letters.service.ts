import { HttpStatus, Injectable } from '@nestjs/common';
import {
  Caller,
  CALLER_HEADER,
  encodeCaller,
  InternalClient,
  notFound,
  ProblemError,
  toProblemError,
  unprocessable,
} from '@kyso/common';
import { SIGN_PDF_PATH, signedPdfAnswer, signPdfForm } from '@kyso/contracts';
import type { RegistryConfig } from '../config';
import { OwnershipService } from '../ownership/ownership.service';
import type { LifecycleRequest } from '../requests/request';
import { REQUEST_TYPE_VI } from '../requests/request-kinds';
import { LetterData, renderRequestLetter } from './letter-pdf';
import { LettersRepository, StoredLetter } from './letters.repository';

/** Port: signs a PDF through the signer with a certificate, for the official acting and as the caller asking. */
export abstract class LetterSigner {
  abstract signPdf(
    pdf: Uint8Array,
    req: { certificateId: string; actingOfficialId: string; pin: string; reason: string },
    caller: Caller,
  ): Promise<{ pdf: Uint8Array; signatureId: string | null }>;
}

/**
 * The signer service over HTTP (POST /signatures/pdf, multipart), as the approving operator (the
 * signer forwards them to the signing authorisation, which lets an operator sign only as their own
 * official); the form and the answer are the sign-PDF contract (a malformed answer is a 502, never a stored letter).
 */
export class HttpLetterSigner extends LetterSigner {
  constructor(private readonly client: InternalClient) {
    super();
  }

  async signPdf(
    pdf: Uint8Array,
    req: { certificateId: string; actingOfficialId: string; pin: string; reason: string },
    caller: Caller,
  ) {
    const res = await this.client.request('POST', SIGN_PDF_PATH, {
      body: signPdfForm(pdf, 'de-nghi.pdf', req),
      headers: { [CALLER_HEADER]: encodeCaller(caller) },
    });
    if (!res.ok) throw toProblemError(res.status, await res.text());
    return signedPdfAnswer(res, this.client.name);
  }
}

export const letterSignerFactory = (config: RegistryConfig): LetterSigner =>
  new HttpLetterSigner(
    new InternalClient(
      config.signerUrl ?? 'http://127.0.0.1:3001',
      config.internalToken,
      60_000,
      'the signer service',
      config.sockets?.signer,
    ),
  );

/** A refusal shaped like the signer's (403 SIGNING_NOT_ALLOWED with the authorisation's reason). */
const refused = (reason: string, message: string, messageVi: string) =>
  new ProblemError(HttpStatus.FORBIDDEN, 'SIGNING_NOT_ALLOWED', 'Forbidden', message, { reason, message, messageVi });

/**
 * The approved request as a letter to the CA, signed by the competent official acting: the head of
 * the managing agency who approves it, with their own personal certificate and PIN, through the
 * signer and therefore the registry's signing authorisation (holder, status, PIN, lockout) like
 * every other signature. Nobody else's certificate, and no service call that skips the rules.
 */
@Injectable()
export class LettersService {
  constructor(
    private readonly letters: LettersRepository,
    private readonly signer: LetterSigner,
    private readonly ownership: OwnershipService,
  ) {}

  /**
   * Signs before the caller's transaction records anything (its only lock is the request row), so
   * the authorisation's own transaction (failure count, lock, audit) never waits on it. A refusal
   * throws: the step it belongs to is not recorded.
   */
  async sign(r: LifecycleRequest, approver: Caller, pin: string | undefined, now: Date): Promise<StoredLetter> {
    if (!approver.officialId)
      throw refused(
        'NOT_ACTING_OFFICIAL',
        'Only an official signs the letter, with their own certificate: this operator account is not linked to an official.',
        'Chỉ cán bộ có thẩm quyền ký đề nghị bằng chứng thư số của chính mình; tài khoản này không gắn với cán bộ nào.',
      );
    if (!pin)
      throw refused(
        'PIN_REQUIRED',
        'Approving signs the letter to the CA: the PIN of your own certificate is required.',
        'Phê duyệt là ký số văn bản đề nghị gửi tổ chức cung cấp dịch vụ: cần nhập mã PIN chứng thư số của người phê duyệt.',
      );
    // The role says who may approve; the letter is the agency's own: its signer is one of its officials.
    const organizationId = await this.letters.officialOrganizationId(approver.officialId);
    if (!organizationId || (await this.ownership.managingOrganizationOf(organizationId)) !== r.managingOrganizationId)
      throw refused(
        'NOT_OF_MANAGING_AGENCY',
        'The letter is signed by an official of the managing agency; this operator’s official belongs elsewhere.',
        'Văn bản đề nghị phải do cán bộ của cơ quan quản lý trực tiếp ký; cán bộ gắn với tài khoản này thuộc cơ quan khác.',
      );
    const certificateId = await this.letters.activePersonCertificateId(approver.officialId, now);
    if (!certificateId)
      throw unprocessable(
        'NO_PERSONAL_CERTIFICATE',
        'The approving official has no active personal certificate to sign the letter with',
        {
          messageVi: 'Người phê duyệt chưa có chứng thư số cá nhân còn hiệu lực để ký văn bản đề nghị.',
        },
      );
    const pdf = await renderRequestLetter(await this.letterData(r, now));
    const signed = await this.signer.signPdf(
      pdf,
      { certificateId, actingOfficialId: approver.officialId, pin, reason: REQUEST_TYPE_VI[r.type] },
      approver,
    );
    return {
      requestId: r.id,
      pdf: signed.pdf,
      signedByOfficialId: approver.officialId,
      certificateId,
      signatureId: signed.signatureId,
    };
  }

  /** Keeps a signed letter, in the transaction of the step it belongs to. */
  store(letter: StoredLetter): Promise<void> {
    return this.letters.upsert(letter);
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
