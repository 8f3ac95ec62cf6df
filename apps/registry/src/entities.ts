import { CertificateEntity } from './certificates/certificate.entity';
import { KeyDeviceEntity } from './devices/key-device.entity';
import { OfficialEntity } from './officials/official.entity';
import { OrganizationEntity } from './organizations/organization.entity';
import { TrustAnchorEntity } from './trust-anchors/trust-anchor.entity';
import { LIFECYCLE_ENTITIES } from './requests/lifecycle.entities';

export const REGISTRY_ENTITIES = [
  OrganizationEntity,
  OfficialEntity,
  KeyDeviceEntity,
  CertificateEntity,
  TrustAnchorEntity,
  ...LIFECYCLE_ENTITIES,
];
