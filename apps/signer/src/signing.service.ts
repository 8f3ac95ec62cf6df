import { Injectable } from '@nestjs/common';
import { PkiFormatError } from '@kyso/pki';
import { createHash, Hash, randomUUID } from 'node:crypto';
import { PadesLevel, PadesLevels, tsaFailure, tsaFor } from './levels';
import { AppearanceError, emptyTextFields, type SignedPdfUpdate } from '@kyso/pki/pades';
import { stateSecretMarking } from '@kyso/pki/pdf';
import { drawingFor } from './appearance';
import { AppearanceRequest, ISSUANCE_FIELDS } from './appearance-request';
import { DocumentSignatureCheck, leaderSignatureRefusal, OfficialDirectory } from './leader-signature';
import { PdfEngine } from './pdf-engine';
import { certificateKindRefusal, purposeRefusal, PurposeRuleRefusal } from './purpose-rules';
import { RegistryClient } from './registry-client';
import { checkRefusal, Refusal, Refused, SessionUse, SigningGate, SigningRequest } from './signing-gate';
import { TimestampAuthority } from './signing-seams';

export type { Refusal, SessionUse } from './signing-gate';

export interface SignPdfInput extends SigningRequest {
  pdf: Uint8Array;
  /** A SHA-256 state fed with exactly `pdf` as it was uploaded: the digests continue it (one pass over 100 MB). */
  pdfSha256?: Hash;
  reason?: string;
  location?: string;
  /** PAdES baseline level; default B-B. */
  level?: PadesLevel;
  /** A visible signature or stamp (purpose, appearance); invisible without it. */
  appearance?: AppearanceRequest;
  /** Given the signed update before the signature is recorded: a batch stores its result first (crash safety). */
  beforeRecord?: (update: Uint8Array) => Promise<void>;
}

export type SignPdfResult =
  | {
      outcome: 'signed';
      signatureId: string;
      /** The signed PDF is the input followed by `update` (the input is not copied). */
      update: Uint8Array;
      level: PadesLevel;
      timestampTime?: Date;
      signingSession?: SessionUse;
    }
  | Refused;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * PAdES signing for an official: structure check, then the shared gate (authorisation, key/certificate
 * match, certificate validation), the signature on the token, the level's additions (timestamp, DSS),
 * and an audit event for every attempt, refused ones included.
 */
@Injectable()
export class SigningService {
  constructor(
    private readonly pdfEngine: PdfEngine,
    private readonly gate: SigningGate,
    private readonly registry: RegistryClient,
    private readonly timestampAuthority: TimestampAuthority,
    private readonly levels: PadesLevels,
    private readonly documentSignatures: DocumentSignatureCheck,
    private readonly officials: OfficialDirectory,
  ) {}

  async signPdf(input: SignPdfInput): Promise<SignPdfResult> {
    input = { ...input, purpose: input.purpose ?? input.appearance?.purpose };
    // Hashed here only for a refusal: a signed document's digests come from the signing pass over it.
    const inputSha256 = () => input.pdfSha256?.copy().digest('hex') ?? sha256(input.pdf);
    const refuse = (refusal: Refusal, serial?: string) => this.gate.refuse(input, inputSha256(), refusal, serial);
    try {
      await this.pdfEngine.checkStructure(input.pdf);
    } catch (e) {
      if (!(e instanceof PkiFormatError)) throw e;
      return refuse(
        e.code === 'EMPTY_FILE'
          ? { code: 'EMPTY_FILE', detail: e.message }
          : { code: 'INVALID_PDF', reason: e.code, detail: e.message },
      );
    }

    // Who may sign what (R17): the document's own marks first, before the PIN is checked.
    const ruled = (r: PurposeRuleRefusal, serial?: string) => refuse({ ...r, purposeRule: true }, serial);
    const degree = stateSecretMarking(input.pdf);
    if (degree) return ruled(purposeRefusal('STATE_SECRET_DOCUMENT', degree));
    const issuance = input.appearance?.kind === 'signature' && input.appearance.issuance;
    if (issuance) {
      const empty = emptyTextFields(input.pdf);
      const missing = Object.values(ISSUANCE_FIELDS).filter((f) => !empty.includes(f));
      if (missing.length)
        return ruled(purposeRefusal('ISSUANCE_FIELDS_MISSING', `missing or filled: ${missing.join(', ')}`));
    }

    // A level the configuration cannot make is refused before the PIN is even checked.
    const level = input.level ?? 'B-B';
    const tsa = tsaFor(level, this.timestampAuthority);
    if (!tsa.ok) return refuse(tsa.refusal as Refusal);

    const opened = await this.gate.open(input);
    if (!opened.ok) return refuse(opened.refusal, opened.serial);
    const { certificate, chain, serial, signer, evidence, view, signingSession } = opened.authorised;

    const kindRefusal = certificateKindRefusal(input.purpose, view);
    if (kindRefusal) return ruled(kindRefusal, serial);
    const app = input.appearance;
    if (app?.kind === 'signature' && app.purpose === 'issued' && app.leaderOfficialId) {
      const noLeader = await leaderSignatureRefusal(
        input.pdf,
        app.leaderOfficialId,
        view.organizationId,
        { signatures: this.documentSignatures, directory: this.officials },
        input.requestId,
      );
      if (noLeader) return ruled(noLeader, serial);
    }
    // Signing for a superior: the capacity is the signature's metadata (its reason) as well as shown.
    const capacity = app?.kind === 'signature' ? app.capacity : undefined;
    const reason = capacity ? [capacity, input.reason].filter(Boolean).join(' — ') : input.reason;

    const signingTime = this.gate.now();
    const drawing =
      input.appearance &&
      (await drawingFor(input.appearance, {
        certificate,
        view,
        actingOfficialId: input.actingOfficialId,
        signingTime,
        image: (kind, id) => this.registry.image(kind, id, input.requestId, input.caller),
      }));
    if (drawing && 'refused' in drawing)
      return refuse({ code: drawing.refused, appearance: true, detail: drawing.detail }, serial);
    let signed: SignedPdfUpdate;
    try {
      signed = await this.pdfEngine.sign(input.pdf, {
        signer,
        certificate,
        chain,
        signingTime,
        reason,
        location: input.location,
        timestamp: tsa.tsa,
        drawing,
        inputSha256: input.pdfSha256,
      });
    } catch (e) {
      if (e instanceof AppearanceError) return refuse({ code: e.code, appearance: true, detail: e.message }, serial);
      const tsaDown = tsaFailure(e);
      if (tsaDown) return refuse(tsaDown as Refusal, serial);
      // e.g. an existing field of the same name, or a structure signPdf cannot update.
      if (e instanceof PkiFormatError)
        return refuse({ code: 'INVALID_PDF', reason: e.code, detail: e.message }, serial);
      throw e;
    }
    // B-B is answered as input + update (a big file is never copied); B-T and up add to the signed
    // file as further incremental updates, so the input stays its prefix.
    let update = signed.update;
    let resultSha256 = signed.signedSha256;
    let finalEvidence = evidence;
    let timestampTime: Date | undefined;
    if (level !== 'B-B') {
      const levelled = await this.levels.complete(
        concat(input.pdf, signed.update),
        level,
        evidence,
        tsa.tsa,
        input.requestId,
      );
      if (!levelled.ok) {
        const r = levelled.refusal;
        return refuse(r.code === 'EVIDENCE_REFUSED' ? checkRefusal(r.check) : (r as Refusal), serial);
      }
      update = levelled.pdf.subarray(input.pdf.length);
      resultSha256 = sha256(levelled.pdf);
      finalEvidence = levelled.evidence;
      timestampTime = levelled.timestampTime;
    }
    await input.beforeRecord?.(update);
    const documentSha256 = signed.inputSha256;
    // The signature's event and its evidence in one statement (one round trip, both or neither).
    const signatureId = await this.gate.signed(
      input,
      {
        serial,
        documentSha256,
        signedDocumentSha256: resultSha256,
        at: signingTime,
        level,
        timestampTime,
        signingSessionId: signingSession?.id,
      },
      {
        id: randomUUID(),
        operation: 'sign',
        level,
        documentSha256,
        resultSha256,
        timestampTime,
        evidence: finalEvidence,
        at: signingTime,
        requestId: input.requestId,
      },
    );
    return {
      outcome: 'signed',
      signatureId,
      update,
      level,
      timestampTime,
      signingSession,
    };
  }
}
