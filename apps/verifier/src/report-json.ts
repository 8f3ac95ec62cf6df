import type { DocumentReport } from '@kyso/pki';
import type { ValidationResult } from './validation.service';

/** Reports serialised, per report object: the fast path stores the JSON it then answers with. */
const SERIALISED = new WeakMap<DocumentReport, string>();

/** JSON.stringify(report), computed once per report object (a report is not changed once made). */
export function reportJson(report: DocumentReport): string {
  let json = SERIALISED.get(report);
  if (json === undefined) SERIALISED.set(report, (json = JSON.stringify(report)));
  return json;
}

/** JSON.stringify(result), byte for byte, with a done result's report serialised once (reportJson). */
export function resultJson(result: ValidationResult): string {
  if (result.status === 'done' && 'report' in result && Object.keys(result).length === 3)
    return `{"id":${JSON.stringify(result.id)},"status":"done","report":${reportJson(result.report)}}`;
  return JSON.stringify(result);
}
