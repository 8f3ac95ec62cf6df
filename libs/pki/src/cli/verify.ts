import { verifyPdf } from '../pades';
import { PdfFormatError } from '../pdf';
import { DocumentReport, SignatureReport } from '../report';
import { parseTime, ParsedArgs, UsageError } from './args';
import { InputError, readCertificates, readCrls, readPdf } from './inputs';
import { chainLines, formatTime, indicationLine, label, Lang, reasonLines } from './output';
import { verifyRevocationChecker } from './revocation';
import { CommandIo } from './validate-chain';

/**
 * `kyso verify FILE.pdf`: every signature of the PDF, the same report as the API. Revocation is
 * always required, as in the service: never "valid" without evidence (R25).
 */
export async function verifyCommand(args: ParsedArgs, io: CommandIo, lang: Lang): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('verify takes exactly one PDF file');
  const anchorFiles = args.lists.get('anchor') ?? [];
  if (anchorFiles.length === 0) throw new UsageError('verify needs --anchor FILE');
  if (['purpose', 'key-usage', 'max-depth', 'policy'].some((o) => args.values.has(o)))
    throw new UsageError('verify takes --anchor, --intermediate, --crl, --at, --offline, --json and --lang only');
  const trustAnchors = anchorFiles.flatMap((f) => readCertificates(io, f));
  const intermediates = (args.lists.get('intermediate') ?? []).flatMap((f) => readCertificates(io, f));
  const validationTime = parseTime(args.values.get('at'), io.now());
  const crls = (args.lists.get('crl') ?? []).flatMap((f) => readCrls(io, f));
  const fetcher = args.flags.has('offline') ? undefined : io.fetcher;
  const revocationChecker = () =>
    verifyRevocationChecker({ crls, certificates: intermediates, trustAnchors, fetcher, clock: () => validationTime });
  const pdf = readPdf(io, args.positional[0]);
  let report: DocumentReport;
  try {
    report = await verifyPdf(pdf, {
      trustAnchors,
      intermediates,
      validationTime,
      revocationChecker,
      requireRevocation: true,
      // A leaf-only signature's issuer from AIA caIssuers (not with --offline)
      issuerFetcher: fetcher?.fetchCertificates
        ? { fetchCertificates: (u) => fetcher.fetchCertificates!(u) }
        : undefined,
    });
  } catch (e) {
    if (e instanceof PdfFormatError)
      throw new InputError(e.code, `${args.positional[0]}: not a readable PDF (${e.code}: ${e.message})`);
    throw e;
  }
  if (args.flags.has('json')) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(`${reportLines(report, lang).join('\n')}\n`);
  return report.conclusion === 'TOTAL-PASSED' ? 0 : 1;
}

function reportLines(report: DocumentReport, lang: Lang): string[] {
  const lines = [
    `${label(lang, 'conclusion')}: ${report.conclusion}`,
    `${label(lang, 'at')}: ${formatTime(lang, report.validationTime)}`,
    `${label(lang, 'signatures')}: ${report.signatureCount}`,
  ];
  report.signatures.forEach((s, i) => {
    lines.push(
      `\n#${i + 1} ${s.fieldName ?? s.id}: ${indicationLine(s.indication, s.subIndication)}`,
      `${label(lang, 'signer')}: ${[s.signer.name, s.signer.title, s.signer.organisation].filter(Boolean).join(', ') || '?'}`,
      ...timeLines(s, lang),
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
  return lines;
}

/** Both times (ETSI EN 319 102-1 5.6.2.1): what the signer claims and what a timestamp proves. */
function timeLines(s: SignatureReport, lang: Lang): string[] {
  const t = s.signingTime;
  return [
    ...(t.claimed ? [`${label(lang, 'claimed')}: ${formatTime(lang, t.claimed)}`] : []),
    ...(t.timestamped ? [`${label(lang, 'timestamped')}: ${formatTime(lang, t.timestamped)}`] : []),
    ...(t.provenBy === 'kyso-evidence' ? [`${label(lang, 'evidence')}: ${t.evidenceId}`] : []),
    `${label(lang, 'judgedAt')}: ${formatTime(lang, t.judgedAt)}`,
    ...(s.timestamps.length
      ? [
          `${label(lang, 'timestamps')}:`,
          ...s.timestamps.map(
            (ts) =>
              `  - ${ts.type} ${ts.genTime ? formatTime(lang, ts.genTime) : '?'}: ${indicationLine(ts.indication, ts.subIndication)} (${ts.tsa.name ?? '?'})`,
          ),
        ]
      : []),
  ];
}
