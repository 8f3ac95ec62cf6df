import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/** The languages a readable verification report is written in; Vietnamese is the default (R26). */
export const REPORT_LANGUAGES = ['vi', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** `GET /validations/{id}/report.pdf` (and the public page's report): the report's language. */
export class ReportQueryDto {
  @ApiPropertyOptional({ enum: REPORT_LANGUAGES, default: 'vi', description: 'Language of the report' })
  @IsOptional()
  @IsIn(REPORT_LANGUAGES, { message: 'lang must be vi or en' })
  lang?: ReportLanguage;
}

/** `POST /public-validations/pdf` on the verifier: the public page's upload, forwarded by the gateway. */
export const PUBLIC_VALIDATE_PDF_PATH = '/public-validations/pdf';

/** The query of a public upload: whether the visitor asks for a link to keep. */
export class PublicValidateQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description:
      'true: the answer carries a link (capability URL) to this report, valid for the retention period; ' +
      'false: the link in the answer only serves the page for a short while (to download the PDF report)',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'keep must be true or false' })
  keep?: 'true' | 'false';
}
