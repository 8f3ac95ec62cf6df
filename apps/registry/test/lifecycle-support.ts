import type { Caller, RoleGrant } from '@kyso/common';
import { OpenSslPki, RunningRegistry, TestCert, trustCa } from './support';

/** An operator caller as the gateway forwards it. */
export const operator = (name: string, roles: RoleGrant[], officialId: string | null = null): Caller => ({
  kind: 'operator',
  id: `op-${name}`,
  name,
  scopes: [],
  organizationIds: [],
  roles,
  officialId,
});

export const system = (organizationIds: string[], scopes: string[] = ['sign']): Caller => ({
  kind: 'system',
  id: 'sys-edoc',
  name: 'Hệ thống quản lý văn bản',
  scopes,
  organizationIds,
  roles: [],
  officialId: null,
});

export interface LifecycleWorld {
  /** Legal entities: the department and another agency; `unit` is a non-legal unit under the department. */
  dept: string;
  unit: string;
  other: string;
  an: string; // official in the unit (managed by dept)
  clerk: string; // records clerk of dept
  /** The head of dept as an official: approves requests and signs their letters with `headCert` and `headPin`. */
  headOfficial: string;
  headCert: string;
  headPin: string;
  device: string; // token held by an
  anCert: string;
  orgCert: string;
  orgPin: string;
  anPin: string;
  it: Caller;
  head: Caller;
  clerkOp: Caller;
  otherHead: Caller;
  admin: Caller;
}

let n = 0;
const uniq = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

/**
 * Organisations, officials, a device and certificates registered through the registry's API.
 * `chainPem` is the issuer chain of `orgCertPem` (the registry checks that a chain issued its certificate).
 */
export async function seedWorld(
  reg: RunningRegistry,
  pki: OpenSslPki,
  ca: TestCert,
  chainPem: string[] = [ca.pem],
  orgCertPem?: string,
  orgKeyUri?: string,
  /** The head's certificate and key (default: an openssl leaf whose key the harness's stub signer holds). */
  headCertificate?: { pem: string; chainPem: string[]; keyUri: string },
): Promise<LifecycleWorld> {
  const post = async (path: string, body: unknown) => {
    const res = await reg.post(path, body);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
    return res.body.id as string;
  };
  // The registry registers only certificates under an enabled trust anchor.
  await trustCa(reg, ca);
  await trustCa(reg, chainPem[chainPem.length - 1] ?? ca.pem);
  const u = uniq();
  const dept = await post('/organizations', {
    code: `SNV-${u}`,
    name: 'Sở Nội vụ thành phố Huế',
    legalEntity: true,
    address: '06 Tôn Đức Thắng, Huế',
  });
  const unit = await post('/organizations', {
    code: `SNV-VP-${u}`,
    name: 'Văn phòng Sở',
    parentId: dept,
    legalEntity: false,
  });
  const other = await post('/organizations', { code: `STP-${u}`, name: 'Sở Tư pháp thành phố Huế', legalEntity: true });
  const official = (organizationId: string, fullName: string, roles?: string[]) =>
    post('/officials', { fullName, email: `${uniq()}@snv.hue.gov.vn`, title: 'Chuyên viên', organizationId, roles });
  const an = await official(unit, 'Nguyễn Văn An');
  const clerk = await official(dept, 'Lê Thị Cúc', ['official', 'clerk']);
  const headOfficial = await official(dept, 'Hoàng Văn Hải');
  const headPin = '730514';
  const leaf = headCertificate ? undefined : pki.leaf('/C=VN/CN=Hoàng Văn Hải', ca);
  const headKeyUri = headCertificate?.keyUri ?? `pkcs11:token=t;object=head-${u}`;
  if (leaf) reg.signer?.pemKeys.set(headKeyUri, leaf.keyPem);
  const headCert = await post('/certificates', {
    certificatePem: headCertificate?.pem ?? leaf!.pem,
    chainPem: headCertificate?.chainPem ?? [ca.pem],
    subjectType: 'person',
    holderOfficialId: headOfficial,
    organizationId: dept,
    keyUri: headKeyUri,
    signingPin: headPin,
  });
  const device = await post('/devices', {
    serialNumber: `TK-${u}`,
    model: 'VGCA token',
    organizationId: unit,
    holderOfficialId: an,
    state: 'issued',
  });
  const anPin = '418305';
  const orgPin = '962057';
  const anCert = await post('/certificates', {
    certificatePem: pki.leaf('/C=VN/CN=Nguyễn Văn An', ca).pem,
    chainPem: [ca.pem],
    subjectType: 'person',
    holderOfficialId: an,
    organizationId: unit,
    deviceId: device,
    keyUri: 'pkcs11:token=t;object=an',
    signingPin: anPin,
  });
  const orgCert = await post('/certificates', {
    certificatePem: orgCertPem ?? pki.leaf('/C=VN/CN=SỞ NỘI VỤ', ca).pem,
    chainPem: orgCertPem ? chainPem : [ca.pem],
    subjectType: 'organization',
    organizationId: dept,
    keyUri: orgKeyUri ?? 'pkcs11:token=t;object=snv',
    signingPin: orgPin,
  });
  return {
    dept,
    unit,
    other,
    an,
    clerk,
    headOfficial,
    headCert,
    headPin,
    device,
    anCert,
    orgCert,
    orgPin,
    anPin,
    it: operator('it', [{ role: 'it-officer', organizationId: dept }]),
    head: operator('head', [{ role: 'agency-head', organizationId: dept }], headOfficial),
    clerkOp: operator('clerk', [{ role: 'clerk', organizationId: dept }], clerk),
    otherHead: operator('other-head', [{ role: 'agency-head', organizationId: other }]),
    admin: operator('admin', [{ role: 'admin', organizationId: null }]),
  };
}

/** The body of a workflow step: approving signs the letter, with the head's own PIN. */
export const stepBody = (w: LifecycleWorld, step: string, body: Record<string, unknown> = {}) =>
  step === 'approve' ? { pin: w.headPin, ...body } : body;
