import { Injectable } from '@nestjs/common';
import { Clock } from '@kyso/common';
import { PkiFormatError } from '@kyso/pki';
import { createHash, randomUUID } from 'node:crypto';
import { ExtendLevel, LevelRefusal, PadesLevels } from './levels';
import { PdfEngine } from './pdf-engine';
import { SigningEvidenceRepository } from './signing-evidence.repository';
import type { Refusal } from './signing.service';

export type ExtendResult =
  | { outcome: 'extended'; recordId: string; pdf: Uint8Array }
  | { outcome: 'refused'; refusal: LevelRefusal | Extract<Refusal, { code: 'INVALID_PDF' | 'EMPTY_FILE' }> };

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * Extends a signed PDF (Kyso's or another tool's) to B-LT or B-LTA, as archives do before a TSA
 * certificate expires: no key is used, so no official or PIN; the evidence is kept like a signature's.
 */
@Injectable()
export class ExtendService {
  constructor(
    private readonly pdfEngine: PdfEngine,
    private readonly levels: PadesLevels,
    private readonly evidence: SigningEvidenceRepository,
    private readonly clock: Clock,
  ) {}

  async extend(pdf: Uint8Array, level: ExtendLevel, requestId?: string): Promise<ExtendResult> {
    try {
      await this.pdfEngine.checkStructure(pdf);
    } catch (e) {
      if (!(e instanceof PkiFormatError)) throw e;
      return {
        outcome: 'refused',
        refusal:
          e.code === 'EMPTY_FILE'
            ? { code: 'EMPTY_FILE', detail: e.message }
            : { code: 'INVALID_PDF', reason: e.code, detail: e.message },
      };
    }
    let r;
    try {
      r = await this.levels.extend(pdf, level, requestId);
    } catch (e) {
      if (e instanceof PkiFormatError)
        return { outcome: 'refused', refusal: { code: 'INVALID_PDF', reason: e.code, detail: e.message } };
      throw e;
    }
    if (!r.ok) return { outcome: 'refused', refusal: r.refusal };
    const recordId = randomUUID();
    await this.evidence.record({
      id: recordId,
      operation: 'extend',
      level,
      documentSha256: sha256(pdf),
      resultSha256: sha256(r.pdf),
      evidence: r.evidence,
      at: this.clock.now(),
      requestId,
    });
    return { outcome: 'extended', recordId, pdf: r.pdf };
  }
}
