import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '@kyso/common';
import type { Acting } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { Clock } from '@kyso/common';
import { parseCertificatePem } from '../shared/pem';
import { isUniqueViolation } from '../shared/pg-errors';
import { Transactions } from '../shared/transactions';
import {
  canBeTrustAnchor,
  toTrustAnchorView,
  TrustAnchor,
  TrustAnchorPurpose,
  trustAnchorSnapshot,
  TrustAnchorView,
} from './trust-anchor';
import {
  TRUST_ANCHOR_SHA256_KEY,
  TrustAnchorFilter,
  TrustAnchorsRepository,
  TrustStoreVersion,
} from './trust-anchors.repository';

const SERVICE: Acting = { actor: { kind: 'service', id: 'registry', name: 'registry' }, requestId: null };

@Injectable()
export class TrustAnchorsService {
  constructor(
    private readonly anchors: TrustAnchorsRepository,
    private readonly tx: Transactions,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async add(
    input: { name: string; certificatePem: string; purpose?: TrustAnchorPurpose },
    acting: Acting = SERVICE,
  ): Promise<TrustAnchorView> {
    const cert = parseCertificatePem(input.certificatePem, 'certificatePem');
    if (!(await canBeTrustAnchor(cert))) {
      throw badRequest(
        'NOT_A_CA_CERTIFICATE',
        'A trust anchor must be a CA certificate (basicConstraints cA) or self-signed',
      );
    }
    try {
      return await this.tx.run(async () => {
        // First: the version row's lock orders this change against snapshots being read.
        await this.anchors.bumpVersion(this.clock.now());
        const saved = await this.anchors.insert({
          name: input.name,
          sha256: cert.sha256Hex,
          subject: cert.subject.toString(),
          certificateDer: cert.der,
          purpose: input.purpose ?? 'document-signing',
        });
        await this.audit.append({
          ...acting,
          action: 'trust_anchor.added',
          entityType: 'trust_anchor',
          entityId: saved.id,
          after: trustAnchorSnapshot(saved),
        });
        return toTrustAnchorView(saved);
      });
    } catch (e) {
      if (isUniqueViolation(e, TRUST_ANCHOR_SHA256_KEY))
        throw conflict('TRUST_ANCHOR_EXISTS', `Trust anchor ${cert.sha256Hex} is already registered`);
      throw e;
    }
  }

  async get(id: string): Promise<TrustAnchorView> {
    const anchor = await this.anchors.findById(id);
    if (!anchor) throw notFound('TRUST_ANCHOR_NOT_FOUND', `No trust anchor ${id}`);
    return toTrustAnchorView(anchor);
  }

  /** Enabled anchors only unless asked: this is what the verifier trusts. */
  async list(filter: TrustAnchorFilter = {}): Promise<TrustAnchorView[]> {
    return (await this.anchors.list(filter)).map(toTrustAnchorView);
  }

  /** The trust-store version: the verifier polls it and refetches the anchors only when it moved. */
  version(): Promise<TrustStoreVersion> {
    return this.anchors.version();
  }

  /**
   * The enabled anchors with the version they make up. The version row is share-locked first, so
   * a change in progress (which bumps it first) is either wholly in this snapshot or wholly after it.
   */
  snapshot(): Promise<{ version: TrustStoreVersion; anchors: TrustAnchorView[] }> {
    return this.tx.run(async () => {
      const version = await this.anchors.version(true);
      return { version, anchors: (await this.anchors.list()).map(toTrustAnchorView) };
    });
  }

  disable(id: string, acting: Acting = SERVICE): Promise<TrustAnchorView> {
    return this.change(id, acting, 'trust_anchor.disabled', async (a) =>
      a.disabledAt ? a : this.anchors.setDisabledAt(id, this.clock.now()),
    );
  }

  enable(id: string, acting: Acting = SERVICE): Promise<TrustAnchorView> {
    return this.change(id, acting, 'trust_anchor.enabled', async (a) =>
      a.disabledAt ? this.anchors.setDisabledAt(id, null) : a,
    );
  }

  async remove(id: string, acting: Acting = SERVICE): Promise<void> {
    await this.change(id, acting, 'trust_anchor.deleted', async () => {
      await this.anchors.delete(id);
      return null;
    });
  }

  private async change(
    id: string,
    acting: Acting,
    action: string,
    apply: (a: TrustAnchor) => Promise<TrustAnchor | null>,
  ): Promise<TrustAnchorView> {
    return this.tx.run(async () => {
      const before = await this.anchors.findById(id);
      if (!before) throw notFound('TRUST_ANCHOR_NOT_FOUND', `No trust anchor ${id}`);
      await this.anchors.bumpVersion(this.clock.now());
      const after = await apply(before);
      await this.audit.append({
        ...acting,
        action,
        entityType: 'trust_anchor',
        entityId: id,
        before: trustAnchorSnapshot(before),
        after: after && trustAnchorSnapshot(after),
      });
      return toTrustAnchorView(after ?? before);
    });
  }
}
