import { CreateRegistrySchema1770000000000 } from './1770000000000-CreateRegistrySchema';
import { CreateOrganization1770000000100 } from './1770000000100-CreateOrganization';
import { CreateOfficial1770000000200 } from './1770000000200-CreateOfficial';
import { CreateKeyDevice1770000000300 } from './1770000000300-CreateKeyDevice';
import { CreateCertificate1770000000400 } from './1770000000400-CreateCertificate';
import { CreateTrustAnchor1770000000500 } from './1770000000500-CreateTrustAnchor';

/** Listed explicitly (not globbed) so ts-jest, ts-node and the compiled dist all find the same set, in order. */
export const REGISTRY_MIGRATIONS = [
  CreateRegistrySchema1770000000000,
  CreateOrganization1770000000100,
  CreateOfficial1770000000200,
  CreateKeyDevice1770000000300,
  CreateCertificate1770000000400,
  CreateTrustAnchor1770000000500,
];
