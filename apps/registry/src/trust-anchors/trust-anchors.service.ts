import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '@kyso/common';
import { parseCertificatePem } from '../shared/pem';
import { isUniqueViolation } from '../shared/pg-errors';
import { canBeTrustAnchor, toTrustAnchorView, TrustAnchorView } from './trust-anchor';
import { TRUST_ANCHOR_SHA256_KEY, TrustAnchorsRepository } from './trust-anchors.repository';

@Injectable()
export class TrustAnchorsService {
  constructor(private readonly anchors: TrustAnchorsRepository) {}

  async add(input: { name: string; certificatePem: string }): Promise<TrustAnchorView> {
    const cert = parseCertificatePem(input.certificatePem, 'certificatePem');
    if (!(await canBeTrustAnchor(cert))) {
      throw badRequest('NOT_A_CA_CERTIFICATE', 'A trust anchor must be a CA certificate (basicConstraints cA) or self-signed');
    }
    try {
      const saved = await this.anchors.insert({ name: input.name, sha256: cert.sha256Hex, subject: cert.subject.toString(), certificateDer: cert.der });
      return toTrustAnchorView(saved);
    } catch (e) {
      if (isUniqueViolation(e, TRUST_ANCHOR_SHA256_KEY)) throw conflict('TRUST_ANCHOR_EXISTS', `Trust anchor ${cert.sha256Hex} is already registered`);
      throw e;
    }
  }

  async get(id: string): Promise<TrustAnchorView> {
    const anchor = await this.anchors.findById(id);
    if (!anchor) throw notFound('TRUST_ANCHOR_NOT_FOUND', `No trust anchor ${id}`);
    return toTrustAnchorView(anchor);
  }

  async list(): Promise<TrustAnchorView[]> {
    return (await this.anchors.list()).map(toTrustAnchorView);
  }
}
