import type { DemoOfficial } from './demo';

/** The shape of var/dev/credentials.json (architecture doc). */
export interface DevCredentials {
  gatewayUrl: string;
  apiKey: string;
  /** The demo key's webhook secret: deliveries to a callbackUrl are signed with it (README, "Webhooks"). */
  webhookSecret?: string;
  trustAnchors: string[];
  operators: { username: string; password: string; role: string; organizationId: string; officialId: string }[];
  demo: {
    organizationId: string;
    officials: DemoOfficial[];
    clerk: { id: string; organizationCertificateId: string; pin: string };
  };
}
