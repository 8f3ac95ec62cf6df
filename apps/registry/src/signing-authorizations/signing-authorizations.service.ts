import { Injectable } from '@nestjs/common';
import { CertificateView, toCertificateView } from '../certificates/certificate';
import { CertificatesService } from '../certificates/certificates.service';
import { PinHasher } from '../certificates/pin-hasher';
import { OfficialsService } from '../officials/officials.service';
import { Clock } from '../shared/clock';
import { decideSigningAuthorization, SigningRefusal } from './signing-authorization';

export type SigningAuthorizationResult = { allowed: true; certificate: CertificateView } | SigningRefusal;

@Injectable()
export class SigningAuthorizationsService {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly officials: OfficialsService,
    private readonly pins: PinHasher,
    private readonly clock: Clock,
  ) {}

  async authorize(req: { certificateId: string; actingOfficialId: string; pin: string }): Promise<SigningAuthorizationResult> {
    const [certificate, official] = await Promise.all([this.certificates.find(req.certificateId), this.officials.find(req.actingOfficialId)]);
    const now = this.clock.now();
    const decision = await decideSigningAuthorization({ certificate, official, now, pinMatches: (hash) => this.pins.verify(req.pin, hash) });
    return decision.allowed ? { allowed: true, certificate: toCertificateView(certificate!, now) } : decision;
  }
}
