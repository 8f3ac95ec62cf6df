import { chainEntries } from '../pades/signer-summary';
import { validatePath } from '../validation';
import type { RevocationFetcher } from '../revocation/types';
import { Certificate } from '../x509/certificate';
import {
  parseConstraints,
  parseKeyUsage,
  parseMaxDepth,
  parsePurpose,
  parseTime,
  ParsedArgs,
  UsageError,
} from './args';
import { FileReader, readCertificates, readCrls, readText } from './inputs';
import { chainLines, formatTime, indicationLine, label, Lang, reasonLines } from './output';
import { crlChecker } from './revocation';

export interface CommandIo extends FileReader {
  stdout(text: string): void;
  now(): Date;
  /** The network for `kyso verify` (absent, or with --offline: nothing is fetched). */
  fetcher?: RevocationFetcher;
}

/** `kyso validate-chain`: RFC 5280 path validation of LEAF, offline. Returns the exit code. */
export async function validateChainCommand(args: ParsedArgs, io: CommandIo, lang: Lang): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('validate-chain takes exactly one LEAF file');
  const anchorsFiles = args.lists.get('anchor') ?? [];
  if (anchorsFiles.length === 0) throw new UsageError('validate-chain needs --anchor FILE');
  const validationTime = parseTime(args.values.get('at'), io.now());
  const purpose = parsePurpose(args.values.get('purpose'));
  const keyUsage = parseKeyUsage(args.values.get('key-usage'));
  const maxDepth = parseMaxDepth(args.values.get('max-depth'));
  const policyFile = args.values.get('policy');
  const constraints = policyFile ? parseConstraints(readText(io, policyFile)) : undefined;

  // A leaf file may carry its chain after it (PEM bundle): the rest count as intermediates.
  const [leaf, ...bundled] = readCertificates(io, args.positional[0]);
  const trustAnchors = anchorsFiles.flatMap((f) => readCertificates(io, f));
  const intermediates: Certificate[] = [
    ...bundled,
    ...(args.lists.get('intermediate') ?? []).flatMap((f) => readCertificates(io, f)),
  ];
  const crlFiles = args.lists.get('crl') ?? [];
  const crls = crlFiles.flatMap((f) => readCrls(io, f));

  const base = { leaf, intermediates, trustAnchors, validationTime, purpose, keyUsage, maxDepth, constraints };
  const result = crlFiles.length
    ? await validatePath({
        ...base,
        revocation: { checker: crlChecker(crls, intermediates, () => io.now()), required: true },
      })
    : validatePath(base);
  const chain = chainEntries(result.chain, trustAnchors);
  if (args.flags.has('json')) {
    const revocation = {
      checked: result.revocation.checked,
      status: result.revocation.status.map((s) => ({
        status: s.status,
        source: s.source,
        revocationTime: s.revocationTime?.toISOString(),
        reason: s.reason,
        thisUpdate: s.thisUpdate?.toISOString(),
        nextUpdate: s.nextUpdate?.toISOString(),
        problems: s.problems,
      })),
    };
    io.stdout(
      `${JSON.stringify({ valid: result.valid, indication: result.indication, subIndication: result.subIndication ?? null, validationTime: validationTime.toISOString(), purpose, chain, revocation, reasons: result.reasons }, null, 2)}\n`,
    );
  } else {
    const lines = [
      `${label(lang, 'result')}: ${result.valid ? label(lang, 'valid') : label(lang, 'invalid')}`,
      `${label(lang, 'indication')}: ${indicationLine(result.indication, result.subIndication)}`,
      `${label(lang, 'at')}: ${formatTime(lang, validationTime)}`,
      `${label(lang, 'revocation')}: ${result.revocation.checked ? `${label(lang, 'checked')} (CRL)` : label(lang, 'notChecked')}`,
      `${label(lang, 'chain')}:`,
      ...chainLines(lang, chain),
      `${label(lang, 'reasons')}:`,
      ...reasonLines(lang, result.reasons),
    ];
    io.stdout(`${lines.join('\n')}\n`);
  }
  return result.valid ? 0 : 1;
}
