import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Certificate } from '../x509/certificate';
import { verifyPdf } from './verify-pdf';

/**
 * Signed PDFs from pyHanko's own test data (test-fixtures/pyhanko/README.md), judged as pyHanko's
 * tests expect them to be: other tools' signatures, other writers' updates.
 */
describe("pyHanko's test PDFs", () => {
  const dir = resolve(__dirname, '../../test-fixtures/pyhanko');
  const roots = [
    'testing-ca-rsa',
    'testing-ca-ed25519',
    'testing-ca-ed448',
    'testing-ca-econtent',
    'selfsigned-testerino',
    'testing-ca-ecdsa-a',
    'testing-ca-ecdsa-b',
  ].map((r) => Certificate.parse(readFileSync(resolve(dir, 'roots', `${r}.pem`), 'utf8')));
  const verify = (file: string, at = '2021-06-01T00:00:00Z') =>
    verifyPdf(new Uint8Array(readFileSync(resolve(dir, file))), { trustAnchors: roots, validationTime: new Date(at) });
  const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);

  it('extensions-indirect: a later signature declaring its ISO/TS 32002 extension in a new indirect object is allowed', async () => {
    // test_diff_analysis_add_extensions_dict: ModificationLevel.FORM_FILLING, both signatures valid
    const r = await verify('extensions-indirect.pdf');
    expect(r.signatures.map((s) => [s.fieldName, s.indication, s.signatureAlgorithm])).toEqual([
      ['Sig1', 'TOTAL-PASSED', 'RSASSA-PKCS1-v1_5-SHA256'],
      ['Sig2', 'TOTAL-PASSED', 'Ed25519'],
    ]);
    expect(r.signatures[0].modifications).toMatchObject({ changedAfterSigning: true, allowed: true });
    expect(r.signatures[0].modifications.description).toContain('allowed: developer extensions 15 0 added');
  });

  it('extensions-indirect-not-all-paths: an existing object also reached another way (/DontOverrideMe) may not change', async () => {
    // pyHanko: SuspiciousModification naming DontOverrideMe
    const r = await verify('extensions-indirect-not-all-paths.pdf');
    expect(r.signatures[0]).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(r.signatures[0].modifications.description).toContain('not allowed: developer extensions 10 0 changed');
    expect(r.signatures[1].indication).toBe('TOTAL-PASSED');
  });

  it('extensions-update-direct: /Extensions written directly in the catalog by the later signer is allowed', async () => {
    // test_diff_analysis_add_extensions_dict: FORM_FILLING
    const r = await verify('extensions-update-direct.pdf');
    expect(r.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED']);
    expect(r.signatures[0].modifications.allowed).toBe(true);
  });

  it('form-update-(no-)override-appearance-stream: an empty field placeholder appearance may be redrawn by its signature', async () => {
    // test_appearance_update_edge_cases: FORM_FILLING for both (a new /AP, or the placeholder stream rewritten in place)
    for (const file of [
      'form-update-no-override-appearance-stream-ap-indirect.pdf',
      'form-update-override-appearance-stream-ap-indirect.pdf',
    ]) {
      const r = await verify(file);
      expect(r.signatures.map((s) => s.indication)).toEqual(['TOTAL-PASSED', 'TOTAL-PASSED']);
      expect(r.signatures[0].modifications.allowed).toBe(true);
    }
    const redrawn = await verify('form-update-override-appearance-stream-ap-indirect.pdf');
    expect(redrawn.signatures[0].modifications.description).toContain(
      'allowed: signature appearance 9 0 (XObject) changed',
    );
  });

  it('...-sneaky: the placeholder is also reached from the catalog (/FooBar): redrawing it is not allowed', async () => {
    // test_disallow_appearance_stream_override_if_clobbers: ModificationLevel.OTHER
    const [first] = (await verify('form-update-override-appearance-stream-ap-indirect-sneaky.pdf')).signatures;
    expect(first).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(first.modifications.description).toContain('not allowed: signature appearance 9 0 (XObject) changed');
  });

  it('minimal-signed-twice-no-sig-type: a later signature dictionary without /Type is still a signature', async () => {
    // test_signature_without_type_is_form_filling: FORM_FILLING
    const r = await verify('minimal-signed-twice-no-sig-type.pdf');
    expect(r.signatures.map((s) => [s.indication, s.signatureAlgorithm])).toEqual([
      ['TOTAL-PASSED', 'ECDSA-SHA384'],
      ['TOTAL-PASSED', 'ECDSA-SHA384'],
    ]);
    expect(r.signatures[0].modifications.allowed).toBe(true);
  });

  it('ed448-disallowed-hash: Ed448 with SHA-512 is no RFC 8419 signature, though the signature value verifies', async () => {
    // test_ed448_invalid_hash_algo_validation: DisallowedAlgorithmError
    const [s] = (await verify('ed448-disallowed-hash.pdf', '2020-11-01T12:00:00Z')).signatures;
    expect(s).toMatchObject({ indication: 'INDETERMINATE', subIndication: 'CRYPTO_CONSTRAINTS_FAILURE' });
    expect(s.reasons).toContainEqual(
      expect.objectContaining({ code: 'FORMAT_FAILURE', detail: 'SIGNATURE_ALGORITHM_UNSUPPORTED' }),
    );
  });

  it('sig-no-signed-attrs: a CMS without signed attributes is intact and valid', async () => {
    // test_verify_sig_without_signed_attrs: valid and intact
    const [s] = (await verify('sig-no-signed-attrs.pdf', '2020-12-01T00:00:00Z')).signatures;
    expect(s).toMatchObject({ indication: 'TOTAL-PASSED', coverage: { coversWholeDocument: true } });
  });

  it('tail-uncovered and weird-byterange: a byte range not ending a revision fails, without inventing changes', async () => {
    // test_anomalous_coverage: intact but not bottom_line (coverage CONTIGUOUS_BLOCK_FROM_START / UNCLEAR)
    for (const [file, problems] of [
      ['tail-uncovered.pdf', 'BYTE_RANGE_NOT_AT_EOF'],
      ['weird-byterange.pdf', 'BYTE_RANGE_GAP_MISMATCH, BYTE_RANGE_NOT_AT_EOF'],
    ]) {
      const [s] = (await verify(file)).signatures;
      expect(s).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
      expect(s.reasons).toEqual([expect.objectContaining({ code: 'BYTE_RANGE_INVALID', detail: problems })]);
      expect(s.modifications).toMatchObject({ allowed: null, description: [expect.stringMatching(/^not analysed: /)] });
    }
  });

  it('pdf-sig-with-econtent: a detached signature carrying (empty) encapsulated content is malformed, not a changed document', async () => {
    // test_sign_reject_econtent_if_detached: SignatureValidationError ('detached.*encapsulated')
    const [s] = (await verify('pdf-sig-with-econtent.pdf')).signatures;
    expect(s).toMatchObject({ indication: 'TOTAL-FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(codes(s.reasons)).toEqual(['FORMAT_FAILURE']);
    expect(s.reasons[0]).toMatchObject({ detail: expect.stringContaining('CMS_CONTENT_NOT_DETACHED') });
  });
});
