import { verifyPdf } from '../pades';
import { PdfFormatError } from '../pdf';
import { parseTime, ParsedArgs, UsageError } from './args';
import { InputError, readCertificates, readCrls, readPdf } from './inputs';
import { crlChecker } from './revocation';
import { chainLines, indicationLine, label, Lang, reasonLines } from './output';
import { CommandIo } from './validate-chain';

/** `kyso verify FILE.pdf`: every signature of the PDF, the same report as the API, offline. */
export async function verifyCommand(args: ParsedArgs, io: CommandIo, lang: Lang): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('verify takes exactly one PDF file');
  const anchorFiles = args.lists.get('anchor') ?? [];
  if (anchorFiles.length === 0) throw new UsageError('verify needs --anchor FILE');
  if (['purpose', 'key-usage', 'max-depth', 'policy'].some((o) => args.values.has(o)))
    throw new UsageError('verify takes --anchor, --intermediate, --crl, --at, --json and --lang only');
  const trustAnchors = anchorFiles.flatMap((f) => readCertificates(io, f));
  const intermediates = (args.lists.get('intermediate') ?? []).flatMap((f) => readCertificates(io, f));
  const validationTime = parseTime(args.values.get('at'), io.now());
  // With --crl, revocation is required and decided from those CRLs (offline), as the service does online.
  const crlFiles = args.lists.get('crl') ?? [];
  const crls = crlFiles.flatMap((f) => readCrls(io, f));
  const revocationChecker = crlFiles.length ? () => crlChecker(crls, intermediates) : undefined;
  const pdf = readPdf(io, args.positional[0]);
  let report;
  try {
    report = await verifyPdf(pdf, { trustAnchors, intermediates, validationTime, revocationChecker });
  } catch (e) {
    if (e instanceof PdfFormatError)
      throw new InputError(e.code, `${args.positional[0]}: not a readable PDF (${e.code}: ${e.message})`);
    throw e;
  }
  if (args.flags.has('json')) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const lines = [
      `${label(lang, 'conclusion')}: ${report.conclusion}`,
      `${label(lang, 'at')}: ${report.validationTime}`,
      `${label(lang, 'signatures')}: ${report.signatureCount}`,
    ];
    report.signatures.forEach((s, i) => {
      lines.push(
        `\n#${i + 1} ${s.fieldName ?? s.id}: ${indicationLine(s.indication, s.subIndication)}`,
        `${label(lang, 'signer')}: ${[s.signer.name, s.signer.title, s.signer.organisation].filter(Boolean).join(', ') || '?'}`,
        ...(s.modifications.changedAfterSigning
          ? [`(${label(lang, 'modified')}${s.modifications.allowed === false ? '!' : ''})`]
          : []),
        `${label(lang, 'chain')}:`,
        ...chainLines(lang, s.chain),
        `${label(lang, 'reasons')}:`,
        ...reasonLines(lang, s.reasons),
      );
    });
    if (report.reasons.length) lines.push(`\n${label(lang, 'reasons')}:`, ...reasonLines(lang, report.reasons));
    io.stdout(`${lines.join('\n')}\n`);
  }
  return report.conclusion === 'TOTAL-PASSED' ? 0 : 1;
}
