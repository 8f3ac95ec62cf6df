import { Injectable } from '@nestjs/common';
import { Caller, serviceCaller } from '@kyso/common';
import { actorOf } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { CertificateView, toCertificateView } from '../certificates/certificate';
import { CertificatesService } from '../certificates/certificates.service';
import { KeyDevicesService } from '../devices/key-devices.service';
import { OfficialsService } from '../officials/officials.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { OwnershipService } from '../ownership/ownership.service';
import { Clock } from '@kyso/common';
import { KeyedQueue } from '../shared/keyed-queue';
import { Transactions } from '../shared/transactions';
import { PinLocksRepository } from './pin-locks.repository';
import { PinPrechecks } from './pin-prechecks';
import {
  decideSigningAuthorization,
  LOCKED,
  SigningAuthorizationInput,
  sessionRefusal,
  SigningDecision,
  SigningRefusal,
} from './signing-authorization';
import { SessionBinding, SigningSessionsRepository } from './signing-sessions.repository';

const REGISTRY = { kind: 'service' as const, id: 'registry', name: 'registry' };

/** A signing session in an answer: the token only in the answer that opened it. */
export interface SigningSessionView {
  id: string;
  token?: string;
  remainingUses: number;
  expiresAt: string;
}

export type SigningAuthorizationResult =
  { allowed: true; certificate: CertificateView; signingSession?: SigningSessionView } | SigningRefusal;

export interface SigningAuthorizationRequest {
  certificateId: string;
  actingOfficialId: string;
  pin?: string;
  /** With a PIN: open a session for this many further signatures. */
  session?: number;
  /** Instead of the PIN: a signing session token. */
  signingSession?: string;
}

/** Refusals after which no session on the certificate may sign again. */
const ENDS_SESSIONS = new Set(['CERTIFICATE_NOT_ACTIVE', 'CERTIFICATE_LOCKED', 'ORGANIZATION_ENDED']);

@Injectable()
export class SigningAuthorizationsService {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly certificates: CertificatesService,
    private readonly officials: OfficialsService,
    private readonly organizations: OrganizationsService,
    private readonly ownership: OwnershipService,
    private readonly pins: PinPrechecks,
    private readonly clock: Clock,
    private readonly tx: Transactions,
    private readonly locks: PinLocksRepository,
    private readonly audit: AuditLog,
    private readonly devices: KeyDevicesService,
    private readonly sessions: SigningSessionsRepository,
  ) {}

  /**
   * One decision per call. For a known certificate the decision runs in a transaction holding the
   * certificate's row lock (queued per certificate in this process first), so the lock state read,
   * the PIN check and the failure count cannot interleave with a parallel attempt.
   */
  async authorize(req: SigningAuthorizationRequest, caller?: Caller): Promise<SigningAuthorizationResult> {
    const who = caller ?? serviceCaller('internal');
    // A session was paid for with a PIN already: no scrypt, no per-certificate queue, no transaction.
    if (req.signingSession !== undefined) return this.bySession(req, req.signingSession, who);
    const known = await this.certificates.find(req.certificateId);
    if (!known) return this.decide(req, who);
    return this.queue.run(known.id, () => this.tx.run(() => this.decide(req, who)));
  }

  /**
   * Starts the PIN's scrypt check ahead of an authorisation (the signer asks while a big document
   * still arrives). Effect-free and silent: nothing is decided, counted or answered here; the
   * authorisation later takes the outcome in place of its own check, with every rule and effect
   * as before. An unknown certificate or one without a PIN hash starts nothing.
   */
  async precheck(certificateId: string, pin: string): Promise<void> {
    const certificate = await this.certificates.find(certificateId);
    if (certificate?.signingPinHash) this.pins.start(certificate.id, certificate.signingPinHash, pin);
  }

  private async decide(req: SigningAuthorizationRequest, caller: Caller): Promise<SigningAuthorizationResult> {
    const certificate = (await this.locks.serialize(req.certificateId))
      ? await this.certificates.find(req.certificateId)
      : undefined;
    const { decision, now } = await this.check(req, certificate, caller, (hash) =>
      this.pins.verify(certificate?.id ?? req.certificateId, hash, req.pin ?? ''),
    );
    if (decision.allowed) {
      await this.locks.succeeded(certificate!.id);
      const view = toCertificateView(certificate!, now);
      if (!req.session) return { allowed: true, certificate: view };
      return { allowed: true, certificate: view, signingSession: await this.openSession(req, caller, now) };
    }
    if (decision.code === 'WRONG_PIN' && (await this.locks.failed(certificate!.id))) {
      await this.audit.append({
        actor: REGISTRY,
        action: 'certificate.pin_locked',
        entityType: 'certificate',
        entityId: certificate!.id,
      });
      await this.sessions.endForCertificates([certificate!.id], 'pin-locked', now);
      await this.lockDevice(certificate!.deviceId);
      return LOCKED;
    }
    return decision;
  }

  /**
   * Every rule but the PIN is checked again at each use (status, lock, holder, caller,
   * organisation), so a suspension, revocation or PIN lock stops a session at its next use. The
   * use is spent and the facts read in one statement (one round trip per signature); a use the
   * rules refuse is given back.
   */
  private async bySession(
    req: SigningAuthorizationRequest,
    token: string,
    caller: Caller,
  ): Promise<SigningAuthorizationResult> {
    const now = this.clock.now();
    const binding = bindingOf(req, caller);
    const { spent, certificate, ...facts } = await this.sessions.use(token, binding, now);
    const decision = await decide({ ...facts, certificate, now, caller, pinMatches: async () => true });
    if (!decision.allowed) {
      if (certificate && ENDS_SESSIONS.has(decision.code))
        await this.sessions.endForCertificates([certificate.id], decision.code.toLowerCase(), now);
      else if (spent) await this.sessions.refund(spent.id);
      return decision;
    }
    if (!spent) return sessionRefusal(await this.sessions.whyNotSpent(token, binding, now));
    return {
      allowed: true,
      certificate: toCertificateView(certificate!, now),
      signingSession: { id: spent.id, remainingUses: spent.remainingUses, expiresAt: spent.expiresAt.toISOString() },
    };
  }

  private async check(
    req: SigningAuthorizationRequest,
    certificate: Awaited<ReturnType<CertificatesService['find']>>,
    caller: Caller,
    pinMatches: (hash: string) => Promise<boolean>,
  ): Promise<{ decision: SigningDecision; now: Date }> {
    const official = await this.officials.find(req.actingOfficialId);
    const now = this.clock.now();
    const [officialManagingOrganizationId, locked, certificateOrganizationStatus] = await Promise.all([
      official ? this.ownership.managingOrganizationOf(official.organizationId) : undefined,
      certificate ? this.locks.isLocked(certificate.id) : false,
      certificate ? this.organizations.find(certificate.organizationId).then((o) => o?.status) : undefined,
    ]);
    const decision = await decide({
      certificate,
      official,
      now,
      caller,
      officialManagingOrganizationId,
      certificateOrganizationStatus,
      locked,
      pinMatches,
    });
    return { decision, now };
  }

  private async openSession(req: SigningAuthorizationRequest, caller: Caller, now: Date): Promise<SigningSessionView> {
    const opened = await this.sessions.open(bindingOf(req, caller), req.session!, now);
    await this.audit.append({
      actor: actorOf(caller),
      action: 'signing_session.opened',
      entityType: 'certificate',
      entityId: req.certificateId,
      after: {
        signingSessionId: opened.id,
        actingOfficialId: req.actingOfficialId,
        uses: opened.remainingUses,
        expiresAt: opened.expiresAt.toISOString(),
      },
    });
    return {
      id: opened.id,
      token: opened.token,
      remainingUses: opened.remainingUses,
      expiresAt: opened.expiresAt.toISOString(),
    };
  }

  /** The token the PIN belongs to moves to `locked` (audited, with its hand-over record); a recovery moves it back. */
  private async lockDevice(deviceId: string | null): Promise<void> {
    const device = deviceId ? await this.devices.get(deviceId) : undefined;
    if (!device || device.state !== 'issued') return;
    await this.devices.move(
      device.id,
      {
        toState: 'locked',
        handedBy: device.holderOfficialId ? { officialId: device.holderOfficialId } : { name: 'không rõ người giữ' },
        receivedBy: { name: 'registry (khóa do nhập sai mã PIN)' },
        note: 'Nhập sai mã PIN quá số lần cho phép (R32)',
      },
      { actor: REGISTRY, requestId: null },
    );
  }
}

/** The rules; a Kyso service calling on its own behalf is trusted (no caller rules). */
const decide = (input: Omit<SigningAuthorizationInput, 'caller'> & { caller: Caller }) =>
  decideSigningAuthorization({ ...input, caller: input.caller.kind !== 'service' ? input.caller : undefined });

const bindingOf = (req: SigningAuthorizationRequest, caller: Caller): SessionBinding => ({
  certificateId: req.certificateId,
  officialId: req.actingOfficialId,
  caller,
});
