import type { Role } from '@kyso/common';
import type { OwnershipKind } from '@kyso/contracts';
import type { Scope } from '../api-keys';

/** The kinds of resource the registry answers `GET /ownership/{kind}/{id}` for. */
export type ResourceKind = OwnershipKind;

/** How the organisation of a call is found and checked. */
export type OrgRule =
  /** No organisation involved. */
  | { kind: 'none' }
  /** The resource named by a path parameter; its managing organisation must be covered. */
  | { kind: 'resource'; resource: ResourceKind; param: string }
  /** The organisation named in the JSON body; its managing organisation must be covered. */
  | { kind: 'body'; field: string }
  /** A list: the registry filters it to the caller's organisations. */
  | { kind: 'list' }
  /** Decided downstream with the forwarded caller (the registry's signing authorisation). */
  | { kind: 'delegated'; by: string };

export type Upstream = 'gateway' | 'signer' | 'verifier' | 'registry';

export interface AccessRule {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The public path, `:name` for a parameter. */
  path: string;
  upstream: Upstream;
  summary: string;
  /** Anyone may call it (login, refresh, health). */
  public?: true;
  /** The scope a system API key needs; absent: systems may not call it. */
  scope?: Scope;
  /** The operator roles that may call it. */
  roles: Role[];
  /** The `official` role passes only for its own resources (holder = the account's official). */
  officialSelf?: true;
  org: OrgRule;
  /** A POST that creates something or signs: `Idempotency-Key` is honoured. */
  idempotent?: true;
  /** The path on the upstream service when it is not the public path without `/api/v1`. */
  servicePath?: string;
  /**
   * Takes `callbackUrl` (README, "Webhooks"). On every other route a `callbackUrl` query parameter
   * is refused, 422 CALLBACK_URL_NOT_SUPPORTED, rather than dropped.
   */
  callbacks?: true;
}

/** The public page's upload: it has its own, lower, per-address limit besides the anonymous one. */
export const PUBLIC_VALIDATIONS_PDF = '/api/v1/public/validations/pdf';

const ALL_ROLES: Role[] = ['admin', 'it-officer', 'agency-head', 'clerk', 'official'];
const STAFF: Role[] = ['admin', 'it-officer', 'agency-head', 'clerk'];
const P = '/api/v1';
const none = { kind: 'none' } as const;
const list = { kind: 'list' } as const;
const res = (resource: ResourceKind, param = 'id'): OrgRule => ({ kind: 'resource', resource, param });
const body = (field = 'organizationId'): OrgRule => ({ kind: 'body', field });
const workflow: OrgRule = {
  kind: 'delegated',
  by: 'the registry workflow (role held in the managing agency of the subject)',
};
/** Read-only public PKI data of the dev CA: relying parties fetch it without credentials, as from a real CA. */
const devCa = (method: 'GET' | 'POST', name: string, summary: string): AccessRule => ({
  method,
  path: `${P}/pki/dev-ca/${name}`,
  servicePath: `/dev-ca/${name}`,
  upstream: 'registry',
  summary,
  public: true,
  roles: [],
  org: none,
});

/** Workflow steps; only drafting-side steps are open to systems (approval is a person's act under the decree). */
const transition = (step: string, roles: Role[], summary: string, systems: boolean): AccessRule => ({
  method: 'POST',
  path: `${P}/requests/:id/${step}`,
  upstream: 'registry',
  summary,
  ...(systems ? { scope: 'registry:write' as const } : {}),
  roles,
  org: res('request'),
});

/**
 * The access matrix: every public route, who may call it and under which organisation rule.
 * Enforced by AccessGuard for every request (default deny: a route absent here is refused) and
 * rendered into the README by `npm run docs:authz`.
 */
export const ACCESS_MATRIX: readonly AccessRule[] = [
  // Operations and sign-in
  { method: 'GET', path: '/health', upstream: 'gateway', summary: 'Liveness', public: true, roles: [], org: none },
  {
    method: 'GET',
    path: '/health/ready',
    upstream: 'gateway',
    summary: 'Readiness',
    public: true,
    roles: [],
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/auth/login`,
    upstream: 'gateway',
    summary: 'Operator sign-in',
    public: true,
    roles: [],
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/auth/refresh`,
    upstream: 'gateway',
    summary: 'Refresh-token rotation',
    public: true,
    roles: [],
    org: none,
  },
  { method: 'POST', path: `${P}/auth/logout`, upstream: 'gateway', summary: 'Sign out', roles: ALL_ROLES, org: none },
  { method: 'GET', path: `${P}/auth/me`, upstream: 'gateway', summary: 'Who am I', roles: ALL_ROLES, org: none },

  // Client systems and operator accounts (admin only)
  {
    method: 'POST',
    path: `${P}/api-keys`,
    upstream: 'gateway',
    summary: 'Create a system API key',
    roles: ['admin'],
    org: none,
    idempotent: true,
  },
  { method: 'GET', path: `${P}/api-keys`, upstream: 'gateway', summary: 'List API keys', roles: ['admin'], org: none },
  { method: 'GET', path: `${P}/api-keys/:id`, upstream: 'gateway', summary: 'An API key', roles: ['admin'], org: none },
  {
    method: 'POST',
    path: `${P}/api-keys/:id/rotate`,
    upstream: 'gateway',
    summary: 'Rotate an API key with overlap',
    roles: ['admin'],
    org: none,
    idempotent: true,
  },
  {
    method: 'POST',
    path: `${P}/api-keys/:id/webhook-secret`,
    upstream: 'gateway',
    summary: 'Rotate the webhook secret of an API key',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/api-keys/:id/revoke`,
    upstream: 'gateway',
    summary: 'Revoke an API key',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/operators`,
    upstream: 'gateway',
    summary: 'Create an operator account',
    roles: ['admin'],
    org: none,
    idempotent: true,
  },
  {
    method: 'GET',
    path: `${P}/operators`,
    upstream: 'gateway',
    summary: 'List operator accounts',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'GET',
    path: `${P}/operators/:id`,
    upstream: 'gateway',
    summary: 'An operator account',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/operators/:id/unlock`,
    upstream: 'gateway',
    summary: 'Clear the sign-in delays of an operator',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/operators/:id/roles`,
    upstream: 'gateway',
    summary: 'Grant a role',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/operators/:id/roles/revoke`,
    upstream: 'gateway',
    summary: 'Withdraw a role',
    roles: ['admin'],
    org: none,
  },

  // Signing and validation
  {
    method: 'POST',
    path: `${P}/signatures/pdf`,
    upstream: 'signer',
    summary: 'Sign a PDF',
    scope: 'sign',
    roles: ['clerk', 'official'],
    org: { kind: 'delegated', by: 'registry signing authorisation (holder, clerk, organisation served, PIN)' },
    idempotent: true,
  },
  {
    method: 'GET',
    path: `${P}/signatures`,
    servicePath: '/signature-records',
    upstream: 'registry',
    summary: 'List signatures and refusals (audit)',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'agency-head', 'official'],
    officialSelf: true,
    org: list,
  },
  {
    method: 'POST',
    path: `${P}/signatures/batches`,
    upstream: 'signer',
    summary: 'Sign many PDFs with one PIN (background batch)',
    scope: 'sign',
    roles: ['clerk', 'official'],
    org: { kind: 'delegated', by: 'registry signing authorisation (holder, clerk, organisation served, PIN)' },
    idempotent: true,
    callbacks: true,
  },
  {
    method: 'GET',
    path: `${P}/signatures/batches/:id`,
    upstream: 'signer',
    summary: 'A signing batch: status, progress, documents',
    scope: 'sign',
    roles: ['clerk', 'official'],
    org: { kind: 'delegated', by: 'signer: the submitting system or operator only, else 404' },
  },
  {
    method: 'GET',
    path: `${P}/signatures/batches/:id/items/:index`,
    upstream: 'signer',
    summary: 'A signed PDF of a batch',
    scope: 'sign',
    roles: ['clerk', 'official'],
    org: { kind: 'delegated', by: 'signer: the submitting system or operator only, else 404' },
  },
  {
    method: 'POST',
    path: `${P}/signatures/pdf/extend`,
    upstream: 'signer',
    summary: 'Extend a signed PDF to B-LT or B-LTA',
    scope: 'sign',
    roles: ['clerk', 'official'],
    org: none,
    idempotent: true,
  },
  {
    method: 'POST',
    path: `${P}/signatures/cms`,
    upstream: 'signer',
    summary: 'Sign any file (CAdES)',
    scope: 'sign',
    roles: ['clerk', 'official'],
    org: { kind: 'delegated', by: 'registry signing authorisation (holder, clerk, organisation served, PIN)' },
    idempotent: true,
  },
  {
    method: 'POST',
    path: `${P}/signatures/hash`,
    upstream: 'signer',
    summary: 'Sign a digest (CMS, or the raw signature value)',
    scope: 'sign',
    roles: ['clerk', 'official'],
    org: { kind: 'delegated', by: 'registry signing authorisation (holder, clerk, organisation served, PIN)' },
    idempotent: true,
  },
  {
    method: 'POST',
    path: `${P}/validations/pdf`,
    upstream: 'verifier',
    summary: 'Validate a PDF',
    scope: 'validate',
    roles: ALL_ROLES,
    org: none,
    callbacks: true,
  },
  {
    method: 'POST',
    path: `${P}/validations/cms`,
    upstream: 'verifier',
    summary: 'Validate a CMS / CAdES signature',
    scope: 'validate',
    roles: ALL_ROLES,
    org: none,
    callbacks: true,
  },
  {
    method: 'GET',
    path: `${P}/validations/:id`,
    upstream: 'verifier',
    summary: 'A validation result',
    scope: 'validate',
    roles: ALL_ROLES,
    org: { kind: 'delegated', by: 'verifier: the submitter and its organisations only, else 404' },
  },
  {
    method: 'GET',
    path: `${P}/validations/:id/report.pdf`,
    upstream: 'verifier',
    summary: 'A validation report as PDF (Vietnamese, or English)',
    scope: 'validate',
    roles: ALL_ROLES,
    org: { kind: 'delegated', by: 'verifier: the submitter and its organisations only, else 404' },
  },
  {
    method: 'POST',
    path: `${P}/validations/inbound`,
    upstream: 'verifier',
    summary: 'Check an inbound edXML package or PDF (accept or reject, notice to the sender)',
    scope: 'validate',
    roles: STAFF,
    org: none,
    callbacks: true,
  },
  {
    method: 'GET',
    path: `${P}/validations`,
    upstream: 'verifier',
    summary: 'The validation history',
    scope: 'validate',
    roles: ALL_ROLES,
    org: {
      kind: 'delegated',
      by: 'verifier: province admin all; admin, it-officer, agency-head their organisation’s; others their own',
    },
  },
  {
    method: 'GET',
    path: `${P}/validations/:id/notice.pdf`,
    upstream: 'verifier',
    summary: 'The rejection notice of an inbound check (PDF)',
    scope: 'validate',
    roles: ALL_ROLES,
    org: { kind: 'delegated', by: 'verifier: the submitter and its organisations only, else 404' },
  },

  // The public verification page (issue 14.4): anyone, metered per address; a result is read by its link only
  ...['/', '/verify', '/verify/:asset'].map((path): AccessRule => ({
    method: 'GET',
    path,
    upstream: 'gateway',
    summary: path === '/' ? 'Home page' : path === '/verify' ? 'Verification page' : "The page's script and style",
    public: true,
    roles: [],
    org: none,
  })),
  {
    method: 'POST',
    path: PUBLIC_VALIDATIONS_PDF,
    servicePath: '/public-validations/pdf',
    upstream: 'verifier',
    summary: 'Validate a PDF from the public page (file not kept)',
    public: true,
    roles: [],
    org: none,
  },
  {
    method: 'GET',
    path: `${P}/public/validations/:token`,
    servicePath: '/public-validations/:token',
    upstream: 'verifier',
    summary: 'A public validation, by its link',
    public: true,
    roles: [],
    org: { kind: 'delegated', by: 'verifier: whoever holds the link (capability token)' },
  },
  {
    method: 'GET',
    path: `${P}/public/validations/:token/report.pdf`,
    servicePath: '/public-validations/:token/report.pdf',
    upstream: 'verifier',
    summary: 'A public validation report as PDF, by its link',
    public: true,
    roles: [],
    org: { kind: 'delegated', by: 'verifier: whoever holds the link (capability token)' },
  },

  // Registry
  {
    method: 'GET',
    path: `${P}/organizations`,
    upstream: 'registry',
    summary: 'List organisations',
    scope: 'registry:read',
    roles: ALL_ROLES,
    org: list,
  },
  {
    method: 'GET',
    path: `${P}/organizations/:id`,
    upstream: 'registry',
    summary: 'An organisation',
    scope: 'registry:read',
    roles: STAFF,
    org: res('organization'),
  },
  {
    method: 'POST',
    path: `${P}/organizations`,
    upstream: 'registry',
    summary: 'Create an organisation',
    roles: ['admin'],
    org: none,
    idempotent: true,
  },
  {
    method: 'GET',
    path: `${P}/officials`,
    upstream: 'registry',
    summary: 'List officials',
    scope: 'registry:read',
    roles: ALL_ROLES,
    org: list,
  },
  {
    method: 'GET',
    path: `${P}/officials/:id`,
    upstream: 'registry',
    summary: 'An official',
    scope: 'registry:read',
    roles: ALL_ROLES,
    officialSelf: true,
    org: res('official'),
  },
  {
    method: 'POST',
    path: `${P}/officials`,
    upstream: 'registry',
    summary: 'Create an official',
    scope: 'registry:write',
    roles: ['admin', 'it-officer'],
    org: body(),
    idempotent: true,
  },
  {
    method: 'GET',
    path: `${P}/devices`,
    upstream: 'registry',
    summary: 'List key devices',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'agency-head'],
    org: list,
  },
  {
    method: 'GET',
    path: `${P}/devices/:id`,
    upstream: 'registry',
    summary: 'A key device',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'agency-head', 'official'],
    officialSelf: true,
    org: res('device'),
  },
  {
    method: 'POST',
    path: `${P}/devices`,
    upstream: 'registry',
    summary: 'Register a key device',
    scope: 'registry:write',
    roles: ['admin', 'it-officer'],
    org: body(),
    idempotent: true,
  },
  {
    method: 'GET',
    path: `${P}/certificates`,
    upstream: 'registry',
    summary: 'List certificates',
    scope: 'registry:read',
    roles: ALL_ROLES,
    org: list,
  },
  {
    method: 'GET',
    path: `${P}/certificates/:id`,
    upstream: 'registry',
    summary: 'A certificate',
    scope: 'registry:read',
    roles: ALL_ROLES,
    officialSelf: true,
    org: res('certificate'),
  },
  {
    method: 'POST',
    path: `${P}/certificates`,
    upstream: 'registry',
    summary: 'Register a certificate',
    scope: 'registry:write',
    roles: ['admin', 'it-officer'],
    org: body(),
    idempotent: true,
  },
  {
    method: 'GET',
    path: `${P}/trust-anchors`,
    upstream: 'registry',
    summary: 'List trust anchors',
    scope: 'registry:read',
    roles: ALL_ROLES,
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/trust-anchors`,
    upstream: 'registry',
    summary: 'Add a trust anchor',
    roles: ['admin'],
    org: none,
    idempotent: true,
  },
  {
    method: 'GET',
    path: `${P}/requests`,
    upstream: 'registry',
    summary: 'List lifecycle requests',
    scope: 'registry:read',
    roles: ALL_ROLES,
    org: list,
  },
  {
    method: 'GET',
    path: `${P}/requests/:id`,
    upstream: 'registry',
    summary: 'A lifecycle request',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'agency-head', 'official'],
    officialSelf: true,
    org: res('request'),
  },
  // A request names a certificate, official, device or organisation: the registry's workflow finds its managing agency.
  {
    method: 'POST',
    path: `${P}/requests`,
    upstream: 'registry',
    summary: 'Draft a lifecycle request',
    scope: 'registry:write',
    roles: ['admin', 'it-officer'],
    org: workflow,
    idempotent: true,
  },
  transition('submit', ['admin', 'it-officer'], 'Submit a request', true),
  // The head of the directly managing agency approves; a province-wide admin does not approve in an agency's name.
  transition('approve', ['agency-head'], 'Approve a request', false),
  transition('reject', ['agency-head'], 'Reject a request', false),
  // The records clerk keeps the organisation certificate and may send the signed letter.
  transition('send', ['admin', 'it-officer', 'clerk'], 'Send a request to the CA', false),
  transition('fulfil', ['admin', 'it-officer'], 'Record a request as fulfilled', false),
  transition('cancel', ['admin', 'it-officer'], 'Cancel a request', true),
  {
    method: 'POST',
    path: `${P}/certificates/upload`,
    upstream: 'registry',
    summary: 'Register a certificate from an uploaded file',
    roles: ['admin'],
    org: none,
    idempotent: true,
  },
  {
    method: 'POST',
    path: `${P}/certificates/:id/suspend`,
    upstream: 'registry',
    summary: 'Suspend a certificate',
    roles: ['admin', 'it-officer'],
    org: res('certificate'),
  },
  {
    method: 'POST',
    path: `${P}/certificates/:id/reinstate`,
    upstream: 'registry',
    summary: 'Reinstate a suspended certificate',
    roles: ['admin', 'it-officer'],
    org: res('certificate'),
  },
  {
    method: 'POST',
    path: `${P}/certificates/:id/revoke`,
    upstream: 'registry',
    summary: 'Record a certificate as revoked',
    roles: ['admin', 'it-officer'],
    org: res('certificate'),
  },
  {
    method: 'GET',
    path: `${P}/organizations/:id/events`,
    upstream: 'registry',
    summary: 'History of an organisation',
    scope: 'registry:read',
    roles: STAFF,
    org: res('organization'),
  },
  ...(['rename', 'move', 'merge', 'split', 'dissolve'] as const).map((step): AccessRule => ({
    method: 'POST',
    path: `${P}/organizations/:id/${step}`,
    upstream: 'registry',
    summary: `Organisation change: ${step}`,
    roles: ['admin'],
    org: res('organization'),
  })),
  {
    method: 'POST',
    path: `${P}/officials/lookup`,
    upstream: 'registry',
    summary: 'Find officials by name or e-mail',
    scope: 'registry:read',
    roles: STAFF,
    org: list,
  },
  {
    method: 'PATCH',
    path: `${P}/officials/:id`,
    upstream: 'registry',
    summary: 'Change an official',
    scope: 'registry:write',
    roles: ['admin', 'it-officer'],
    org: res('official'),
  },
  {
    method: 'PUT',
    path: `${P}/officials/:id/signature-image`,
    upstream: 'registry',
    summary: 'Set an official’s signature image',
    roles: ['admin', 'it-officer', 'official'],
    officialSelf: true,
    org: res('official'),
  },
  {
    method: 'GET',
    path: `${P}/officials/:id/signature-image`,
    upstream: 'registry',
    summary: 'An official’s signature image',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'clerk', 'official'],
    officialSelf: true,
    org: res('official'),
  },
  {
    method: 'DELETE',
    path: `${P}/officials/:id/signature-image`,
    upstream: 'registry',
    summary: 'Remove an official’s signature image',
    roles: ['admin', 'it-officer', 'official'],
    officialSelf: true,
    org: res('official'),
  },
  {
    method: 'PUT',
    path: `${P}/organizations/:id/seal-image`,
    upstream: 'registry',
    summary: 'Set an organisation’s seal image',
    roles: ['admin', 'it-officer'],
    org: res('organization'),
  },
  {
    method: 'GET',
    path: `${P}/organizations/:id/seal-image`,
    upstream: 'registry',
    summary: 'An organisation’s seal image',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'clerk'],
    org: res('organization'),
  },
  {
    method: 'DELETE',
    path: `${P}/organizations/:id/seal-image`,
    upstream: 'registry',
    summary: 'Remove an organisation’s seal image',
    roles: ['admin', 'it-officer'],
    org: res('organization'),
  },
  {
    method: 'GET',
    path: `${P}/devices/:id/handovers`,
    upstream: 'registry',
    summary: 'Hand-overs of a key device',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'agency-head'],
    org: res('device'),
  },
  {
    method: 'POST',
    path: `${P}/devices/:id/moves`,
    upstream: 'registry',
    summary: 'Record a key device hand-over or return',
    roles: ['admin', 'it-officer'],
    org: res('device'),
  },
  {
    method: 'GET',
    path: `${P}/trust-anchors/:id`,
    upstream: 'registry',
    summary: 'A trust anchor',
    scope: 'registry:read',
    roles: ALL_ROLES,
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/trust-anchors/:id/disable`,
    upstream: 'registry',
    summary: 'Disable a trust anchor',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'POST',
    path: `${P}/trust-anchors/:id/enable`,
    upstream: 'registry',
    summary: 'Enable a trust anchor',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'DELETE',
    path: `${P}/trust-anchors/:id`,
    upstream: 'registry',
    summary: 'Remove a trust anchor',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'GET',
    path: `${P}/requests/:id/letter`,
    upstream: 'registry',
    summary: 'The letter of a lifecycle request',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'agency-head', 'clerk'],
    org: res('request'),
  },
  {
    method: 'POST',
    path: `${P}/requests/:id/letter`,
    upstream: 'registry',
    summary: 'Sign (again) the letter of an approved request: the agency head, with their own certificate and PIN',
    roles: ['agency-head'],
    org: res('request'),
  },
  // An HR system may report a departure (drafts only); the registry checks the official's managing agency.
  {
    method: 'POST',
    path: `${P}/personnel-changes`,
    upstream: 'registry',
    summary: 'Record a personnel change (retirement, resignation, transfer, death): raises the drafts',
    scope: 'registry:write',
    roles: ['admin', 'it-officer'],
    org: workflow,
    idempotent: true,
  },
  // Whoever may record the change may call off one still waiting for its date (checked per managing agency).
  {
    method: 'POST',
    path: `${P}/personnel-changes/:id/cancel`,
    upstream: 'registry',
    summary: 'Cancel a personnel change scheduled for a later effective date',
    scope: 'registry:write',
    roles: ['admin', 'it-officer'],
    org: workflow,
  },
  {
    method: 'POST',
    path: `${P}/organization-changes`,
    upstream: 'registry',
    summary: 'Record organisation changes',
    roles: ['admin'],
    org: none,
    idempotent: true,
  },
  {
    method: 'GET',
    path: `${P}/notifications`,
    upstream: 'registry',
    summary: 'Notifications of pending certificate actions',
    scope: 'registry:read',
    roles: STAFF,
    org: list,
  },
  {
    method: 'GET',
    path: `${P}/audit`,
    upstream: 'registry',
    summary: 'Query the audit log',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'GET',
    path: `${P}/audit/verify`,
    upstream: 'registry',
    summary: 'Verify the audit hash chain',
    roles: ['admin'],
    org: none,
  },
  {
    method: 'GET',
    path: `${P}/reports/expiring`,
    upstream: 'registry',
    summary: 'Certificates expiring soon',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'agency-head'],
    org: list,
  },
  {
    method: 'GET',
    path: `${P}/reports/personnel-changes`,
    upstream: 'registry',
    summary: 'Personnel changes needing certificate action',
    scope: 'registry:read',
    roles: ['admin', 'it-officer', 'agency-head'],
    org: list,
  },
  ...(['officials-without-certificate', 'subject-drift', 'devices-not-returned', 'overdue-requests'] as const).map(
    (r): AccessRule => ({
      method: 'GET',
      path: `${P}/reports/${r}`,
      upstream: 'registry',
      summary: `Report: ${r.replace(/-/g, ' ')}`,
      scope: 'registry:read',
      roles: ['admin', 'it-officer', 'agency-head'],
      org: list,
    }),
  ),
  devCa('GET', 'crl', 'The dev CA’s current CRL (DER)'),
  devCa('GET', 'root.crl', 'The dev root CA’s CRL (DER)'),
  devCa('POST', 'ocsp', 'The dev CA’s OCSP responder (RFC 6960)'),
  devCa('POST', 'tsa', 'The dev CA’s time-stamping authority (RFC 3161)'),
];

/** The path a rule's upstream serves (public path without the prefix unless the rule says otherwise). */
export const servicePathOf = (rule: AccessRule): string =>
  rule.servicePath ?? (rule.path.startsWith(P) ? rule.path.slice(P.length) : rule.path);

/** Registry routes only Kyso services call (never public): ownership, signing authorisations and PIN pre-checks, audit appends, the signer's signature records, the verifiers' trust-store reads. */
export const REGISTRY_INTERNAL_ROUTES = [
  'GET /health',
  'GET /health/ready',
  'GET /ownership/:kind/:id',
  'POST /signing-authorizations',
  'POST /signing-authorizations/pin-checks',
  'POST /audit/events',
  'POST /signature-records',
  'GET /trust-anchors/version',
  'GET /trust-anchors/snapshot',
] as const;

/** The registry path prefixes the gateway proxies 1:1. */
export const REGISTRY_PREFIXES = [
  'organizations',
  'officials',
  'devices',
  'certificates',
  'trust-anchors',
  'requests',
  'audit',
  'reports',
  'personnel-changes',
  'organization-changes',
  'notifications',
] as const;

/** A rule's template split once: `null` marks a parameter segment, by its name in `names`. */
interface CompiledRule {
  rule: AccessRule;
  segs: (string | null)[];
  names: string[];
  literals: number;
}

/** The rules by method and segment count, each list with the most literal first (stable: matrix order breaks ties). */
const compiled = new WeakMap<readonly AccessRule[], Map<string, CompiledRule[]>>();

function compile(rules: readonly AccessRule[]): Map<string, CompiledRule[]> {
  const index = new Map<string, CompiledRule[]>();
  for (const rule of rules) {
    const t = rule.path.replace(/\/+$/, '').split('/'); // '/' (the home page) is one empty segment, as its request
    const c: CompiledRule = {
      rule,
      segs: t.map((s) => (s.startsWith(':') ? null : s)),
      names: t.filter((s) => s.startsWith(':')).map((s) => s.slice(1)),
      literals: t.filter((s) => !s.startsWith(':')).length,
    };
    const key = `${rule.method} ${t.length}`;
    index.set(key, [...(index.get(key) ?? []), c]);
  }
  for (const list of index.values()) list.sort((a, b) => b.literals - a.literals);
  compiled.set(rules, index);
  return index;
}

/** The rule for a request, by method and path; the most literal template wins (`/audit/verify` over `/audit/:id`). */
export function findRule(
  method: string,
  path: string,
  rules: readonly AccessRule[] = ACCESS_MATRIX,
): { rule: AccessRule; params: Record<string, string> } | undefined {
  const segs = path.replace(/\/+$/, '').split('/');
  const candidates = (compiled.get(rules) ?? compile(rules)).get(`${method.toUpperCase()} ${segs.length}`) ?? [];
  for (const c of candidates) {
    if (!c.segs.every((t, i) => (t === null ? segs[i] !== '' : t === segs[i]))) continue;
    const params: Record<string, string> = {};
    let n = 0;
    // still encoded: the guard accepts UUIDs only
    c.segs.forEach((t, i) => {
      if (t === null) params[c.names[n++]] = segs[i];
    });
    return { rule: c.rule, params };
  }
  return undefined;
}
