import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { badRequest } from '@kyso/common';
import { CertificateCheckRequestDto, CertificateCheckResultDto } from '@kyso/contracts';
import { Certificate } from '@kyso/pki';
import { CertificateCheckService } from './certificate-check.service';

const base64 = (items: Uint8Array[]) => items.map((b) => Buffer.from(b).toString('base64'));

function parse(pem: string, field: string): Certificate {
  try {
    return Certificate.parse(pem);
  } catch (e) {
    throw badRequest('INVALID_FIELD', `${field} is not a certificate: ${(e as Error).message}`, { field });
  }
}

/** Internal (signer only): the pre-signing check of a certificate. */
@ApiTags('certificate checks (internal)')
@Controller('internal/certificate-checks')
export class CertificateChecksController {
  constructor(private readonly checks: CertificateCheckService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: "Validate a signer's certificate now (path, validity, usage, revocation) and return the evidence",
  })
  @ApiResponse({ status: 200, type: CertificateCheckResultDto })
  @ApiResponse({ status: 400, description: 'Not a certificate (INVALID_FIELD)' })
  async check(@Body() body: CertificateCheckRequestDto): Promise<CertificateCheckResultDto> {
    const leaf = parse(body.certificatePem, 'certificatePem');
    const chain = body.chainPem.map((pem, i) => parse(pem, `chainPem[${i}]`));
    const r = await this.checks.check(leaf, chain, body.purpose);
    return {
      indication: r.indication,
      subIndication: r.subIndication,
      reasons: r.reasons,
      evidence: { certificatesPem: r.certificates.map((c) => c.toPem()), crls: base64(r.crls), ocsps: base64(r.ocsps) },
      checkedAt: r.checkedAt.toISOString(),
    };
  }
}
