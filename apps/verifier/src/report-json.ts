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
  if (isPlainDone(result))
    return `{"id":${JSON.stringify(result.id)},"status":"done","report":${reportJson(result.report)}}`;
  return JSON.stringify(result);
}

/** A done result with exactly these keys in this order (JSON.stringify writes them in the object's order). */
function isPlainDone(r: ValidationResult): r is Extract<ValidationResult, { report: DocumentReport }> {
  if (r.status !== 'done' || !('report' in r) || typeof r.id !== 'string') return false;
  if (typeof r.report !== 'object' || r.report === null) return false;
  const keys = Object.keys(r);
  return keys.length === 3 && keys[0] === 'id' && keys[1] === 'status' && keys[2] === 'report';
}
