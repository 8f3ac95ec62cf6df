import type { DemoOfficial } from './demo';

/** The shape of var/dev/credentials.json (architecture doc). */
export interface DevCredentials {
  gatewayUrl: string;
  apiKey: string;
  trustAnchors: string[];
  operators: { username: string; password: string; role: string; organizationId: string; officialId: string }[];
  demo: {
    organizationId: string;
    officials: DemoOfficial[];
    clerk: { id: string; organizationCertificateId: string; pin: string };
  };
}
