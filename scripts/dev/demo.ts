import { randomBytes, randomInt } from 'node:crypto';
import { InternalClient } from '@kyso/common';
import { createdAnswer, ignoredAnswer } from '@kyso/contracts';
import type { KeyGenerator, KeyStore } from '@kyso/keystore';
import { DevCa, SignatureAlgorithm, SubjectSpec } from '@kyso/pki';

/**
 * Demo data of the development system and of the end-to-end tests: a dev root CA and a subordinate
 * "government" CA, a city department with a director, a deputy and a records clerk, a district with
 * one official; personal certificates and one organisation certificate whose keys are generated
 * inside the token. Everything goes through the registry's HTTP API, as an operator's tools would.
 */
export interface DemoPki {
  root: DevCa;
  subordinate: DevCa;
}

export interface DemoOfficial {
  id: string;
  name: string;
  title: string;
  certificateId: string;
  pin: string;
}

export interface DemoStaff {
  key: string;
  id: string;
  name: string;
  title: string;
  organizationId: string;
}

export interface DemoData {
  organizationId: string;
  /** Everyone enrolled, by a short key (an, binh, cuc, tuan, dung). */
  staff: DemoStaff[];
  districtOrganizationId: string;
  officials: DemoOfficial[];
  clerk: { id: string; name: string; organizationCertificateId: string; pin: string };
}

/**
 * `publicUrl` is where the registry serves the dev CA's CRLs and OCSP (…/dev-ca): issued
 * certificates name it, so verifiers find revocation status as they would for the real CA.
 */
export async function createDemoPki(publicUrl?: string): Promise<DemoPki> {
  const root = await DevCa.createRoot({
    commonName: 'Kyso Dev Root CA G2',
    organization: 'Kyso Development',
    keyAlgorithm: 'RSA-2048',
    ...devCaUrls(publicUrl, 'root.crl'),
  });
  const subordinate = await root.createSubordinate({
    commonName: 'Kyso Dev CA phục vụ các cơ quan Nhà nước',
    organization: 'Kyso Development',
    keyAlgorithm: 'RSA-2048',
    pathLength: 0,
    ...devCaUrls(publicUrl, 'crl', 'ocsp'),
  });
  return { root, subordinate };
}

/** CRL and OCSP URLs a dev CA writes into the certificates it issues (same layout as the registry's dev-ca routes). */
export function devCaUrls(
  publicUrl: string | undefined,
  crl: string,
  ocsp?: string,
): { crlUrls?: string[]; ocspUrl?: string } {
  if (!publicUrl) return {};
  return { crlUrls: [`${publicUrl}/${crl}`], ...(ocsp ? { ocspUrl: `${publicUrl}/${ocsp}` } : {}) };
}

const CITY = 'Huế';
const PEOPLES_COMMITTEE = 'UBND thành phố Huế';

interface PersonSpec {
  key: string;
  name: string;
  title: string;
  email: string;
  roles: ('official' | 'clerk')[];
  certificate: boolean;
  algorithm: SignatureAlgorithm;
}

const DEPARTMENT_STAFF: PersonSpec[] = [
  {
    key: 'an',
    name: 'Nguyễn Văn An',
    title: 'Giám đốc',
    email: 'an.nv@snv.hue.gov.vn',
    roles: ['official'],
    certificate: true,
    algorithm: 'RSASSA-PKCS1-v1_5-SHA256',
  },
  {
    key: 'binh',
    name: 'Trần Thị Bình',
    title: 'Phó Giám đốc',
    email: 'binh.tt@snv.hue.gov.vn',
    roles: ['official'],
    certificate: true,
    algorithm: 'ECDSA-P256-SHA256',
  },
  {
    key: 'cuc',
    name: 'Lê Thị Cúc',
    title: 'Văn thư',
    email: 'cuc.lt@snv.hue.gov.vn',
    roles: ['official', 'clerk'],
    certificate: false,
    algorithm: 'RSASSA-PKCS1-v1_5-SHA256',
  },
  {
    key: 'tuan',
    name: 'Hoàng Minh Tuấn',
    title: 'Chuyên viên công nghệ thông tin',
    email: 'tuan.hm@snv.hue.gov.vn',
    roles: ['official'],
    certificate: false,
    algorithm: 'RSASSA-PKCS1-v1_5-SHA256',
  },
];
const DISTRICT_STAFF: PersonSpec[] = [
  {
    key: 'dung',
    name: 'Phạm Quốc Dũng',
    title: 'Chủ tịch',
    email: 'dung.pq@phuxuan.hue.gov.vn',
    roles: ['official'],
    certificate: true,
    algorithm: 'RSASSA-PKCS1-v1_5-SHA256',
  },
];

/** A random 6-digit signing PIN (demo only: real PINs are chosen by their holders). */
const newPin = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

export async function seedDemo(opts: {
  registry: InternalClient;
  keyStore: KeyStore & KeyGenerator;
  tokenLabel: string;
  pki: DemoPki;
}): Promise<DemoData> {
  const { registry, keyStore, pki } = opts;
  const chainPem = [pki.subordinate.certificate.toPem(), pki.root.certificate.toPem()];
  const suffix = randomBytes(3).toString('hex');

  await registry.json('POST', '/trust-anchors', ignoredAnswer, {
    name: 'Kyso Dev Root CA G2',
    certificatePem: pki.root.certificate.toPem(),
    // The dev CA certifies the signers and the dev TSA alike (POST /pki/dev-ca/tsa).
    purpose: 'any',
  });

  const province = await registry.json('POST', '/organizations', createdAnswer, {
    code: `HUE-${suffix}`,
    name: PEOPLES_COMMITTEE,
    legalEntity: true,
    address: '16 Lê Lợi, Huế',
  });
  const department = await registry.json('POST', '/organizations', createdAnswer, {
    code: `HUE-SNV-${suffix}`,
    name: 'Sở Nội vụ thành phố Huế',
    parentId: province.id,
    legalEntity: true,
    address: '06 Tôn Đức Thắng, Huế',
  });
  const district = await registry.json('POST', '/organizations', createdAnswer, {
    code: `HUE-PX-${suffix}`,
    name: 'UBND quận Phú Xuân',
    parentId: province.id,
    legalEntity: true,
  });

  const issueFor = async (p: {
    keyLabel: string;
    subject: SubjectSpec;
    profile: 'person' | 'organization';
    algorithm: SignatureAlgorithm;
  }) => {
    const key = await keyStore.generateKey({ label: p.keyLabel, id: randomBytes(8), algorithm: p.algorithm });
    const certificate = await pki.subordinate.issue({
      subject: p.subject,
      publicKeySpki: key.publicKeySpki,
      profile: p.profile,
    });
    return { key, certificate };
  };

  const enrol = async (staff: PersonSpec[], org: { id: string; name: string; unit: string }) => {
    const out: (DemoOfficial & { roles: string[]; key: string; organizationId: string })[] = [];
    for (const p of staff) {
      const official = await registry.json('POST', '/officials', createdAnswer, {
        fullName: p.name,
        email: p.email,
        title: p.title,
        organizationId: org.id,
        roles: p.roles,
      });
      let certificateId = '';
      const pin = newPin();
      if (p.certificate) {
        const { key, certificate } = await issueFor({
          keyLabel: `${p.key}-${suffix}`,
          subject: { C: 'VN', L: CITY, O: PEOPLES_COMMITTEE, OU: [org.unit], title: p.title, CN: p.name, E: p.email },
          profile: 'person',
          algorithm: p.algorithm,
        });
        const saved = await registry.json('POST', '/certificates', createdAnswer, {
          certificatePem: certificate.toPem(),
          chainPem,
          subjectType: 'person',
          holderOfficialId: official.id,
          organizationId: org.id,
          keyUri: key.ref.uri,
          signingPin: pin,
        });
        certificateId = saved.id;
      }
      out.push({
        id: official.id,
        name: p.name,
        title: p.title,
        certificateId,
        pin,
        roles: p.roles,
        key: p.key,
        organizationId: org.id,
      });
    }
    return out;
  };

  const departmentStaff = await enrol(DEPARTMENT_STAFF, {
    id: department.id,
    name: 'Sở Nội vụ thành phố Huế',
    unit: 'Sở Nội vụ',
  });
  const districtStaff = await enrol(DISTRICT_STAFF, {
    id: district.id,
    name: 'UBND quận Phú Xuân',
    unit: 'UBND quận Phú Xuân',
  });

  // The organisation certificate, kept and used by the records clerk (regulation Art 31).
  const clerk = departmentStaff.find((s) => s.roles.includes('clerk'))!;
  const orgPin = newPin();
  const { key, certificate } = await issueFor({
    keyLabel: `snv-org-${suffix}`,
    subject: { CN: 'SỞ NỘI VỤ', O: PEOPLES_COMMITTEE, L: CITY, C: 'VN' },
    profile: 'organization',
    algorithm: 'RSASSA-PKCS1-v1_5-SHA256',
  });
  const orgCertificate = await registry.json('POST', '/certificates', createdAnswer, {
    certificatePem: certificate.toPem(),
    chainPem,
    subjectType: 'organization',
    organizationId: department.id,
    keyUri: key.ref.uri,
    signingPin: orgPin,
  });
  await registry.json('POST', '/devices', ignoredAnswer, {
    serialNumber: `DEV-${suffix}-001`,
    model: 'SoftHSM2 (development token)',
    organizationId: department.id,
    holderOfficialId: clerk.id,
    state: 'issued',
  });

  return {
    organizationId: department.id,
    districtOrganizationId: district.id,
    staff: [...departmentStaff, ...districtStaff].map(({ key, id, name, title, organizationId }) => ({
      key,
      id,
      name,
      title,
      organizationId,
    })),
    officials: [...departmentStaff, ...districtStaff]
      .filter((o) => o.certificateId)
      .map(({ id, name, title, certificateId, pin }) => ({ id, name, title, certificateId, pin })),
    clerk: { id: clerk.id, name: clerk.name, organizationCertificateId: orgCertificate.id, pin: orgPin },
  };
}
