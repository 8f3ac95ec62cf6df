import type { DocumentReport } from '@kyso/pki';
import { reportJson, resultJson } from './report-json';
import type { ValidationResult } from './validation.service';

/** A report as verifyPdf makes them, varied: unicode, nulls, nested arrays and objects, a Date. */
function report(n: number): DocumentReport {
  return {
    conclusion: n % 2 ? 'TOTAL-PASSED' : 'INDETERMINATE',
    validationTime: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    documentSha256: 'AB'.repeat(32),
    signatureCount: n,
    signatures: Array.from({ length: n }, (_, i) => ({
      id: `sig-${i}`,
      signer: { commonName: 'Nguyễn Văn Ấn 😀', organization: null, email: 'a"b\\c\u2028d@gov.vn' },
      chain: [{ sha256: 'CD'.repeat(32), subject: 'CN=Ký số\u0000\u001f, C=VN', notAfter: new Date(0) }],
      indication: 'TOTAL-PASSED',
      subIndication: null,
      reasons: [
        { code: 'X', message: 'lone \ud800 surrogate', messageVi: 'Tiếng Việt', details: { depth: [[1.5, -0, 1e21]] } },
      ],
      optional: undefined,
    })),
    reasons: [],
  } as unknown as DocumentReport;
}

describe('resultJson / reportJson', () => {
  it('writes what JSON.stringify writes, byte for byte, for every kind of result', () => {
    const results: unknown[] = [
      { id: 'a', status: 'pending' },
      { id: 'b', status: 'failed', error: { code: 'MALFORMED_PDF' } },
      { id: 'c', status: 'done', kind: 'inbound', outcome: 'accepted', documents: [{ name: 'ä', report: null }] },
      ...[0, 1, 2, 5].map((n) => ({ id: `ü-"${n}"`, status: 'done', report: report(n) })),
      // Not the usual shape: keys in another order, one more, the report missing or undefined.
      { status: 'done', id: 'd', report: report(1) },
      { id: 'e', report: report(1), status: 'done' },
      { id: 'f', status: 'done', report: report(1), extra: null },
      { id: 'g', status: 'done', report: undefined },
      { id: 'h', status: 'done', report: null },
    ];
    for (const r of results) {
      const expected = JSON.stringify(r);
      expect(resultJson(r as ValidationResult)).toBe(expected);
      // Twice: the second from the report's kept serialisation.
      expect(resultJson(r as ValidationResult)).toBe(expected);
    }
  });

  it('serialises a report once per report object', () => {
    const r = report(2);
    const spy = jest.spyOn(JSON, 'stringify');
    try {
      const first = reportJson(r);
      expect(reportJson(r)).toBe(first);
      expect(spy.mock.calls.filter(([v]) => v === r)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});
