import type { DocumentReport } from '@kyso/pki';
import { readableReport, ReportLang } from './readable-report';
import { renderReportPdf } from './report-pdf';

export { readableReport } from './readable-report';
export type { Mark, ReadableReport, ReadableSignature, ReportLang } from './readable-report';

/** The PDF report of a finished validation, in Vietnamese (default) or English. */
export function validationReportPdf(report: DocumentReport, validationId: string, lang: ReportLang = 'vi') {
  return renderReportPdf(readableReport(report, lang, validationId), new Date(report.validationTime));
}
