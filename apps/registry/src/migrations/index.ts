import { CreateRegistrySchema1770000000000 } from './1770000000000-CreateRegistrySchema';
import { CreateOrganization1770000000100 } from './1770000000100-CreateOrganization';
import { CreateOfficial1770000000200 } from './1770000000200-CreateOfficial';
import { CreateKeyDevice1770000000300 } from './1770000000300-CreateKeyDevice';
import { CreateCertificate1770000000400 } from './1770000000400-CreateCertificate';
import { CreateTrustAnchor1770000000500 } from './1770000000500-CreateTrustAnchor';
import { CreateAuditEvent1796000000000 } from './1796000000000-CreateAuditEvent';
import { CreateRegistryAppRole1796000000100 } from './1796000000100-CreateRegistryAppRole';
import { MakeAuditEventAppendOnly1796000000200 } from './1796000000200-MakeAuditEventAppendOnly';
import { AddOrganizationLifecycle1796000000300 } from './1796000000300-AddOrganizationLifecycle';
import { CreateOrganizationEvent1796000000400 } from './1796000000400-CreateOrganizationEvent';
import { AddOfficialNationalId1796000000500 } from './1796000000500-AddOfficialNationalId';
import { CreateOrganizationSealImage1798080000001 } from './1798080000001-CreateOrganizationSealImage';
import { CreateOfficialSignatureImage1796000000600 } from './1796000000600-CreateOfficialSignatureImage';
import { CreateKeyDeviceHandover1796000000700 } from './1796000000700-CreateKeyDeviceHandover';
import { AddCertificateRenewalOf1796000000800 } from './1796000000800-AddCertificateRenewalOf';
import { AddTrustAnchorPurposeAndState1796000000900 } from './1796000000900-AddTrustAnchorPurposeAndState';
import { CreateLifecycleRequest1797000000000 } from './1797000000000-CreateLifecycleRequest';
import { CreateLifecycleRequestStep1797000000100 } from './1797000000100-CreateLifecycleRequestStep';
import { CreateRequestLetter1797000000200 } from './1797000000200-CreateRequestLetter';
import { CreateChangeEvent1797000000300 } from './1797000000300-CreateChangeEvent';
import { CreateNotification1797000000400 } from './1797000000400-CreateNotification';
import { CreateCertificatePinLock1797000000500 } from './1797000000500-CreateCertificatePinLock';
import { AllowOrganizationMoveChange1797000000600 } from './1797000000600-AllowOrganizationMoveChange';
import { AddCertificatePublicKeySha2561797000000700 } from './1797000000700-AddCertificatePublicKeySha256';
import { CreateDevCaCrlNumber1797000000800 } from './1797000000800-CreateDevCaCrlNumber';
import { AddEmploymentStatusDeceasedResigned1797000000900 } from './1797000000900-AddEmploymentStatusDeceasedResigned';
import { AddChangeEventSchedule1798020000000 } from './1798020000000-AddChangeEventSchedule';
import { CreateTrustStoreVersion1799050000000 } from './1799050000000-CreateTrustStoreVersion';
import { CreateSigningSessionAndSignatureRecord1798060000000 } from './1798060000000-CreateSigningSessionAndSignatureRecord';

/** Listed explicitly (not globbed) so ts-jest, ts-node and the compiled dist all find the same set, in order. */
export const REGISTRY_MIGRATIONS = [
  CreateRegistrySchema1770000000000,
  CreateOrganization1770000000100,
  CreateOfficial1770000000200,
  CreateKeyDevice1770000000300,
  CreateCertificate1770000000400,
  CreateTrustAnchor1770000000500,
  CreateAuditEvent1796000000000,
  CreateRegistryAppRole1796000000100,
  MakeAuditEventAppendOnly1796000000200,
  AddOrganizationLifecycle1796000000300,
  CreateOrganizationEvent1796000000400,
  AddOfficialNationalId1796000000500,
  CreateOfficialSignatureImage1796000000600,
  CreateKeyDeviceHandover1796000000700,
  AddCertificateRenewalOf1796000000800,
  AddTrustAnchorPurposeAndState1796000000900,
  CreateLifecycleRequest1797000000000,
  CreateLifecycleRequestStep1797000000100,
  CreateRequestLetter1797000000200,
  CreateChangeEvent1797000000300,
  CreateNotification1797000000400,
  CreateCertificatePinLock1797000000500,
  AllowOrganizationMoveChange1797000000600,
  AddCertificatePublicKeySha2561797000000700,
  CreateDevCaCrlNumber1797000000800,
  AddEmploymentStatusDeceasedResigned1797000000900,
  AddChangeEventSchedule1798020000000,
  CreateOrganizationSealImage1798080000001,
  CreateSigningSessionAndSignatureRecord1798060000000,
  CreateTrustStoreVersion1799050000000,
];
