import { DevCa, generateSoftwareKey, IssueOptions, SoftwareKey } from '../src/devca';
import { SignatureAlgorithm } from '../src/signer';
import { Certificate } from '../src/x509/certificate';

export interface TestSigner {
  key: SoftwareKey;
  cert: Certificate;
}

type PersonOptions = Omit<IssueOptions, 'subject' | 'publicKeySpki' | 'profile'> & { algorithm?: SignatureAlgorithm };

/** A fresh software key and a 'person' certificate for it from `ca`: the usual signer in a test. */
export async function issuePerson(
  ca: DevCa,
  subject: IssueOptions['subject'],
  opts: PersonOptions = {},
): Promise<TestSigner> {
  const { algorithm = 'ECDSA-P256-SHA256', ...issue } = opts;
  const key = generateSoftwareKey(algorithm);
  const cert = await ca.issue({ subject, publicKeySpki: key.publicKeySpki, profile: 'person', ...issue });
  return { key, cert };
}
