import type { Response } from 'express';
import { conflict } from '@kyso/common';
import type { DocumentReport } from '@kyso/pki';
import { validationReportPdf } from './index';
import type { ReportLang } from './readable-report';

type Result = { id: string; status: 'done' | 'pending' | 'failed'; report?: DocumentReport };

/** Answers the PDF report of a finished validation; one still running or failed has none (409). */
export async function sendReportPdf(res: Response, result: Result, lang: ReportLang): Promise<void> {
  if (result.status !== 'done')
    throw conflict(
      'VALIDATION_NOT_DONE',
      result.status === 'pending'
        ? 'The validation is still running: ask again for its report in a moment.'
        : 'The validation failed: it has no report.',
    );
  if (!result.report)
    throw conflict(
      'VALIDATION_HAS_NO_REPORT',
      'An inbound check has one report per document and a notice: read GET /validations/{id} and /notice.pdf.',
    );
  const pdf = await validationReportPdf(result.report, result.id, lang);
  res
    .status(200)
    .setHeader('content-type', 'application/pdf')
    .setHeader('content-disposition', `attachment; filename="kyso-report-${result.id}-${lang}.pdf"`)
    .setHeader('content-length', String(pdf.length))
    .end(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
}
