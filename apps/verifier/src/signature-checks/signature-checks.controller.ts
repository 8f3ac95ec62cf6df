import { Controller, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { badRequest, Clock, unprocessable } from '@kyso/common';
import { SignatureCheckResultDto } from '@kyso/contracts';
import { Certificate, RevocationChecker } from '@kyso/pki';
import { formatErrorCode, PdfValidator } from '../pdf-validator';
import { TrustAnchorSource } from '../trust-anchors';

/**
 * The verifier's judgement of the signatures already on a document, now, with revocation required:
 * the same engine as a validation (no stored report, no queue: the signer waits for it).
 */
export class SignatureCheckService {
  constructor(
    private readonly anchors: TrustAnchorSource,
    private readonly pdf: PdfValidator,
    private readonly revocation: (anchors: readonly Certificate[]) => RevocationChecker,
    private readonly clock: Clock,
  ) {}

  async check(document: Uint8Array): Promise<SignatureCheckResultDto> {
    const documentSigning = await this.anchors.get('document-signing');
    const anchors = { documentSigning, timestamping: await this.anchors.get('timestamping') };
    const report = await this.pdf.verify(document, anchors, this.clock.now(), {
      checker: () => this.revocation(documentSigning),
      required: true,
    });
    return {
      signatures: report.signatures.map((s) => ({
        fieldName: s.fieldName,
        indication: s.indication,
        subIndication: s.subIndication,
        certificateSha256: s.chain[0]?.sha256 ?? null,
        changesAllowed: !s.modifications.changedAfterSigning || s.modifications.allowed === true,
      })),
    };
  }
}

/** Internal (signer only): before the organisation's signature goes onto a document (R17). */
@ApiTags('signature checks (internal)')
@Controller('internal/signature-checks')
export class SignatureChecksController {
  constructor(private readonly checks: SignatureCheckService) {}

  @Post()
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({ summary: "Judge the signatures of a PDF now (each one's indication and signer certificate)" })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 200, type: SignatureCheckResultDto })
  @ApiResponse({ status: 422, description: 'Not a PDF (INVALID_PDF)' })
  async check(@UploadedFile() file: Express.Multer.File | undefined): Promise<SignatureCheckResultDto> {
    if (!file?.buffer?.length) throw badRequest('MISSING_FIELD', 'The form field "file" (the PDF) is required');
    try {
      return await this.checks.check(new Uint8Array(file.buffer));
    } catch (e) {
      const code = formatErrorCode(e);
      if (!code) throw e;
      throw unprocessable('INVALID_PDF', `The file is not a PDF: ${(e as Error).message}`, { reason: code });
    }
  }
}
