import { Logger } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { SERVICE_OPENAPI_PATH } from '@kyso/common';
import { serviceOpenApiAnswer } from '@kyso/contracts';
import { ACCESS_MATRIX, AccessRule, servicePathOf, Upstream } from './authz/matrix';
import type { OpenApiSources } from './openapi';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const CACHE_MS = 60_000;
const RETRY_MS = 5_000;

export const openApiPath = (template: string) => template.replace(/:([A-Za-z_]\w*)/g, '{$1}');

/**
 * Merges the services' own OpenAPI documents into the gateway's: every public route of the access
 * matrix appears once, at its public path, with the public security schemes and problem+json
 * errors. The gateway's own description of a route wins; a route a service does not (yet)
 * describe gets a stub from the matrix, so the document never silently lacks a route.
 */
export class OpenApiMerger {
  private readonly log = new Logger('OpenApi');
  private cache?: { at: number; ttl: number; doc: OpenAPIObject };

  constructor(private readonly sources: OpenApiSources) {}

  async merged(own: OpenAPIObject): Promise<OpenAPIObject> {
    if (this.cache && Date.now() - this.cache.at < this.cache.ttl) return this.cache.doc;
    const docs: Partial<Record<Upstream, Json>> = {};
    let complete = true;
    await Promise.all(
      (['registry', 'signer', 'verifier'] as const).map(async (s) => {
        try {
          docs[s] = await this.sources[s].json('GET', SERVICE_OPENAPI_PATH, serviceOpenApiAnswer);
        } catch (e) {
          complete = false;
          this.log.warn(`${s} OpenAPI not merged: ${(e as Error).message}`);
        }
      }),
    );
    const doc = mergeDocuments(own, docs);
    this.cache = { at: Date.now(), ttl: complete ? CACHE_MS : RETRY_MS, doc };
    return doc;
  }
}

export function mergeDocuments(
  own: OpenAPIObject,
  services: Partial<Record<Upstream, Json>>,
  rules: readonly AccessRule[] = ACCESS_MATRIX,
): OpenAPIObject {
  const doc = structuredClone(own) as Json;
  doc.components ??= {};
  doc.components.schemas ??= {};
  const renamed: Partial<Record<Upstream, Json>> = {};
  for (const [name, sdoc] of Object.entries(services) as [Upstream, Json][])
    renamed[name] = importSchemas(doc, name, sdoc);

  for (const rule of rules) {
    const path = openApiPath(rule.path);
    const method = rule.method.toLowerCase();
    doc.paths[path] ??= {};
    const existing = doc.paths[path][method];
    if (existing) {
      decorate(existing, rule);
      continue;
    }
    const servicePath = openApiPath(servicePathOf(rule));
    const fromService = renamed[rule.upstream]?.paths?.[servicePath]?.[method];
    const op = fromService ? structuredClone(fromService) : stub(rule);
    op.tags = op.tags?.length ? op.tags : [rule.upstream];
    doc.paths[path][method] = decorate(op, rule);
  }
  // Only matrix routes are public: anything else the gateway described (none should) is dropped.
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const m of METHODS)
      if (item[m] && !rules.some((r) => openApiPath(r.path) === path && r.method.toLowerCase() === m)) delete item[m];
    if (!METHODS.some((m) => item[m])) delete doc.paths[path];
  }
  return doc as OpenAPIObject;
}

/** Copies a service's component schemas in, renaming clashes, and returns the document with refs rewritten. */
function importSchemas(target: Json, service: string, sdoc: Json): Json {
  let text = JSON.stringify(sdoc);
  const schemas: Json = sdoc.components?.schemas ?? {};
  const names: Record<string, string> = {};
  for (const name of Object.keys(schemas)) {
    const same =
      target.components.schemas[name] &&
      JSON.stringify(target.components.schemas[name]) === JSON.stringify(schemas[name]);
    names[name] = target.components.schemas[name] && !same ? `${service}_${name}` : name;
  }
  for (const [from, to] of Object.entries(names)) {
    if (from !== to) text = text.split(`"#/components/schemas/${from}"`).join(`"#/components/schemas/${to}"`);
  }
  const out = JSON.parse(text) as Json;
  for (const [from, to] of Object.entries(names)) target.components.schemas[to] = out.components.schemas[from];
  return out;
}

function problem(description: string): Json {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
  };
}

/** Security, access summary and the errors every guarded route can give. */
function decorate(op: Json, rule: AccessRule): Json {
  op.responses ??= {};
  op.responses['503'] ??= problem(
    'A dependency is down (DATABASE_UNAVAILABLE, QUEUE_UNAVAILABLE, LIMITS_UNAVAILABLE, TOKEN_UNAVAILABLE, ' +
      'DEPENDENCY_UNAVAILABLE); retry after Retry-After seconds',
  );
  if (rule.public) {
    op.security = [];
  } else {
    op.security = [...(rule.scope ? [{ apiKey: [] }] : []), ...(rule.roles.length ? [{ accessToken: [] }] : [])];
    op.responses['401'] ??= problem('No, unknown, expired or revoked credential');
    op.responses['403'] ??= problem('Not allowed by the access matrix (role, scope or organisation)');
    op.responses['429'] ??= problem('Rate limit reached; see Retry-After');
    const who = [
      rule.scope ? `systems with \`${rule.scope}\`` : 'no systems',
      rule.roles.length ? `roles ${rule.roles.join(', ')}` : 'no operators',
    ].join('; ');
    op.description = [op.description, `Access: ${who}; organisation rule: ${rule.org.kind}.`]
      .filter(Boolean)
      .join('\n\n');
  }
  if (rule.idempotent) {
    op.parameters ??= [];
    if (!op.parameters.some((p: Json) => p.name === 'Idempotency-Key')) {
      op.parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', maxLength: 255 },
        description: 'Replays return the first response; another body with the same key is refused (422).',
      });
    }
    op.responses['409'] ??= problem('A request with this Idempotency-Key is still running');
    op.responses['422'] ??= problem('The Idempotency-Key was used for another request');
  }
  if (!Object.keys(op.responses).some((s) => s.startsWith('2'))) op.responses['200'] = { description: 'OK' };
  return op;
}

function stub(rule: AccessRule): Json {
  const params = [...rule.path.matchAll(/:([A-Za-z_]\w*)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  }));
  return {
    summary: rule.summary,
    parameters: params,
    ...(rule.method === 'POST'
      ? { requestBody: { required: false, content: { 'application/json': { schema: { type: 'object' } } } } }
      : {}),
    responses: {
      [rule.method === 'POST' ? '201' : '200']: {
        description: 'OK',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
  };
}
