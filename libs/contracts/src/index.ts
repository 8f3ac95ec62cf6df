// Internal contracts: the request and answer of every call between Kyso services, defined once
// (types + runtime checks + OpenAPI), used by the serving controller and by the calling client.
export * from './validation';
export * from './answers';
export * from './ids';
export * from './certificate-view.contract';
export * from './signing-authorization.contract';
export * from './trust-anchor.contract';
export * from './ownership.contract';
export * from './audit-event.contract';
export * from './openapi-document.contract';
export * from './sign-pdf.contract';
export * from './appearance-images.contract';
export * from './callback-url.contract';
export * from './validate-pdf.contract';
export * from './validation-result.contract';
export * from './dev-ca.contract';
export * from './certificate-check.contract';
export * from './sign-cms.contract';
export * from './signature-record.contract';
export * from './validation-report.contract';
export * from './inbound-validation.contract';
export * from './validation-history.contract';
export * from './signature-check.contract';
