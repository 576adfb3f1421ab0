/**
 * The browser's requests, sent through the gateway model: for every API, route, origin and request
 * shape a web app sends, the browser model runs the fetch() and the gateway model answers — the same
 * code `crossgate serve` runs. Handlers answer from a static reading of their source, or for real
 * (`--invoke`) through the local runtime.
 */
import { type FetchCall, simulateFetchAsync, type WireRequest, type WireResponse } from '../browser/index.js';
import type { ApiKey } from '../gateway/api-keys.js';
import { createFunctionUrlGateway, createGateway, type Gateway } from '../gateway/gateway.js';
import type { CallBackend } from '../gateway/integration.js';
import type { GatewayRequest, Invoke, InvokeOutcome } from '../gateway/types.js';
import type {
  DeployedApi,
  DeployedEndpoint,
  DeployedFunctionUrl,
  DeployedHttpApi,
  DeployedMethod,
  DeployedResource,
  Deployment,
} from '../sam/model.js';
import type { HandlerCors } from './handler-scan.js';
import { SIGV4_HEADERS } from './request-headers.js';
import type { SimulatedRequest } from './types.js';

/** The origin no template allows: what an attacker's page is. */
export const FOREIGN_ORIGIN = 'https://not-allowed.example';
const API_ORIGIN = 'https://api.crossgate.local';

export interface SimulationInput {
  deployment: Deployment;
  keys: ApiKey[];
  origins: (api: DeployedEndpoint) => string[];
  /** The origins a handler that uses a CORS library allows, as far as its source and environment show. */
  handlerOrigins: (functionId: string, api: DeployedEndpoint) => string[];
  credentials: (api: DeployedEndpoint) => boolean;
  /** The HTTP APIs and Function URLs to send requests to (those a browser is meant to call). */
  endpoints?: Array<DeployedHttpApi | DeployedFunctionUrl>;
  handler: (functionId: string) => HandlerCors | undefined;
  authorizerFunctions: Set<string>;
  functionTimeouts: Record<string, number>;
  /** Runs handlers for real instead of reading them. */
  invoke?: Invoke;
}

/** What a handler the static reading understood would answer. */
/** What a library handler is taken to allow: these origins, with credentials or not. */
interface HandlerPolicy {
  origins: Set<string>;
  credentials: boolean;
  /** Only behind HTTP APIs or Function URLs whose configuration answers CORS: unread means none. */
  platformCors: boolean;
}

function staticInvoke(input: SimulationInput, policies: Map<string, HandlerPolicy>): Invoke {
  return async (functionId, raw) => {
    if (input.authorizerFunctions.has(functionId))
      return ok({
        isAuthorized: true,
        principalId: 'crossgate-check',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }],
        },
      });
    // Payload format 1.0 (REST) or 2.0 (HTTP APIs, Function URLs).
    const e = raw as {
      headers: Record<string, string> | null;
      httpMethod?: string;
      requestContext?: { http?: { method: string } };
    };
    const event = { headers: e.headers, httpMethod: e.httpMethod ?? e.requestContext?.http?.method ?? 'GET' };
    let origin: string | undefined;
    let acrh: string | undefined;
    let acrm: string | undefined;
    for (const [k, v] of Object.entries(event.headers ?? {})) {
      const n = k.toLowerCase();
      if (n === 'origin') origin = v;
      else if (n === 'access-control-request-headers') acrh = v;
      else if (n === 'access-control-request-method') acrm = v;
    }
    const policy = policies.get(functionId);
    const read = input.handler(functionId);
    // Behind an HTTP API or Function URL whose configuration answers CORS, a handler crossgate could
    // not read is taken to send no CORS header of its own (the platform's would double it).
    const h = read?.kind === 'unknown' && policy?.platformCors ? { ...read, kind: 'none' as const } : read;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const allowed = policy?.origins;
    switch (h?.kind) {
      case 'literal':
        if (h.allowOrigin !== undefined) headers['Access-Control-Allow-Origin'] = h.allowOrigin;
        if (h.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
        break;
      case 'dynamic':
        if (h.reflectsOrigin && origin !== undefined) headers['Access-Control-Allow-Origin'] = origin;
        else if (origin !== undefined && allowed?.has(origin))
          headers['Access-Control-Allow-Origin'] = origin;
        if (h.allowCredentials) headers['Access-Control-Allow-Credentials'] = 'true';
        if (h.setsVary) headers.Vary = 'Origin';
        break;
      case 'library':
      case 'unknown':
      case undefined:
        // A CORS library (or a handler we could not read) is taken to answer the API's own origins.
        if (origin !== undefined && allowed?.has(origin)) {
          headers['Access-Control-Allow-Origin'] = origin;
          headers.Vary = 'Origin';
          if (policy?.credentials) headers['Access-Control-Allow-Credentials'] = 'true';
          if (event.httpMethod === 'OPTIONS' && acrm) {
            headers['Access-Control-Allow-Methods'] = acrm;
            if (acrh) headers['Access-Control-Allow-Headers'] = acrh;
            return ok({ statusCode: 204, headers, body: '' });
          }
        }
        break;
      case 'none':
        break;
    }
    return ok({ statusCode: 200, headers, body: '{}' });
  };
}

function ok(value: unknown): InvokeOutcome {
  return { ok: true, value };
}

function samplePath(path: string): string {
  if (path === '$default') return '/any/path';
  return path.replace(/\{[^}]+\+\}/g, 'a/b').replace(/\{[^}]+\}/g, '1');
}

/** A JWT (unsigned: check verifies no signature) whose claims an HTTP API's JWT authorizer accepts. */
export function sampleJwt(
  issuer: string | undefined,
  audience: string | undefined,
  scopes: unknown[],
): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims: Record<string, unknown> = { sub: 'crossgate-check', exp: 4102444800 };
  if (issuer) claims.iss = issuer;
  if (audience) claims.aud = audience;
  if (scopes.length > 0) claims.scope = scopes.join(' ');
  return `${part({ alg: 'RS256', kid: 'crossgate-check' })}.${part(claims)}.Y3Jvc3NnYXRl`;
}

/** The headers a request needs to pass a route's authorizer (REST or HTTP API), and how to name them. */
function authorizerHeaders(api: DeployedEndpoint, method: DeployedMethod): Array<[string, string]> {
  if (!method.authorizer || method.authorizer === 'NONE') return [];
  if (api.kind === 'http' || api.kind === 'function-url') {
    const a = api.kind === 'http' ? api.authorizers[method.authorizer] : undefined;
    if (!a || a.type === 'AWS_IAM') return SIGV4_HEADERS.map(([n, v]) => [n, v]);
    const out: Array<[string, string]> = [];
    for (const source of a.identitySource) {
      if (!source.startsWith('$request.header.')) continue;
      const name = source.slice('$request.header.'.length);
      const value =
        a.type === 'JWT'
          ? `Bearer ${sampleJwt(a.issuer, a.audience[0], method.authorizationScopes)}`
          : name.toLowerCase() === 'authorization'
            ? 'Bearer crossgate-check'
            : 'crossgate-check';
      out.push([name, value]);
    }
    return out;
  }
  const authorizer = api.authorizers[method.authorizer];
  // IAM: the request is signed, as an HTTP API's or Function URL's is.
  if (method.authorizer === 'AWS_IAM' || authorizer?.type === 'AWS_IAM')
    return SIGV4_HEADERS.map(([n, v]) => [n, v]);
  if (authorizer) {
    const names =
      authorizer.type === 'TOKEN'
        ? [authorizer.identityHeaders[0] ?? 'Authorization']
        : authorizer.identityHeaders;
    return names.map((n) => [
      n,
      n.toLowerCase() === 'authorization' ? 'Bearer crossgate-check' : 'crossgate-check',
    ]);
  }
  return [['Authorization', 'Bearer crossgate-check']];
}

interface Shape {
  name: string;
  call: Omit<FetchCall, 'url'>;
}

/**
 * The methods a web app sends to an ANY route: an ANY route says which it expects only through the CORS
 * AllowMethods in front of it, so those are tried, as for every kind of API. A REST path's CORS
 * preflight (SAM's, from Cors) lists them: without AllowMethods SAM lists every method of the path, so
 * all are tried. An HTTP API's catch-all or a Function URL: its CorsConfiguration's, or the simple GET
 * and POST when it lists none.
 */
function anyVerbs(api: DeployedEndpoint, resource: DeployedResource): string[] {
  const verbs = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
  if (api.kind !== 'http' && api.kind !== 'function-url') {
    const preflight = resource.methods.find((m) => m.method === 'OPTIONS' && m.corsPreflight);
    const header = preflight?.mockHeaders.find(
      (h) => h.name.toLowerCase() === 'access-control-allow-methods',
    );
    const listed = (header?.value ?? '').split(',').map((m) => m.trim().toUpperCase());
    if (!header?.value || listed.includes('*')) return ['GET', 'POST', 'PUT', 'DELETE'];
    return verbs.filter((m) => m === 'GET' || m === 'POST' || listed.includes(m));
  }
  const listed = (api.cors?.allowMethods ?? []).map((m) => m.toUpperCase());
  if (listed.length === 0 || listed.includes('*')) return ['GET', 'POST'];
  return verbs.filter((m) => listed.includes(m));
}

/** The requests a web app sends to one method. */
export function shapesFor(
  api: DeployedEndpoint,
  resource: DeployedResource,
  method: DeployedMethod,
  key: string | undefined,
  credentials: boolean,
): Shape[] {
  const verbs = method.method === 'ANY' ? anyVerbs(api, resource) : [method.method];
  const out: Shape[] = [];
  for (const verb of verbs) {
    if (verb === 'OPTIONS' || verb === 'HEAD') continue;
    const headers: Array<[string, string]> = [];
    const parts: string[] = [verb];
    const body = verb === 'POST' || verb === 'PUT' || verb === 'PATCH';
    if (body) {
      headers.push(['Content-Type', 'application/json']);
      parts.push('JSON');
    }
    // Each header once, named once: an authorizer may read the x-api-key the API key check reads.
    const sent: string[] = [];
    const send = ([name, value]: [string, string]) => {
      if (sent.some((n) => n.toLowerCase() === name.toLowerCase())) return;
      sent.push(name);
      headers.push([name, value]);
    };
    if (method.apiKeyRequired && key) send(['x-api-key', key]);
    for (const h of authorizerHeaders(api, method)) send(h);
    if (sent.length) parts.push(`with ${sent.join(', ')}`);
    if (credentials) parts.push('credentials');
    out.push({
      name: parts.join(' '),
      call: {
        method: verb,
        headers,
        body: body ? { type: 'json' } : { type: 'none' },
        credentials: credentials ? 'include' : 'same-origin',
      },
    });
  }
  return out;
}

/** Where check sends a Function URL's requests: its own host, as on AWS. */
export function functionUrlOrigin(url: DeployedFunctionUrl): string {
  return `https://${url.functionId.toLowerCase()}.lambda-url.crossgate.local`;
}

/** What the simulation produced: the requests as the browser meets them, and the latent ones. */
export interface Simulation {
  requests: SimulatedRequest[];
  /**
   * Requests blocked at the preflight, sent again as if the preflight had passed: what the page
   * would meet once the preflight is fixed (the actual answer, judged on its own).
   */
  latent: SimulatedRequest[];
}

export async function simulateRequests(input: SimulationInput): Promise<Simulation> {
  const policies = new Map<string, HandlerPolicy>();
  // A CORS configuration known only at deploy (its note says so) is not judged as if there were none.
  const endpoints: DeployedEndpoint[] = [
    ...input.deployment.apis,
    ...(input.endpoints ?? []).filter((e) => !e.cors?.unresolved),
  ];
  for (const api of endpoints) {
    const credentials = input.credentials(api);
    const rest = api.kind !== 'http' && api.kind !== 'function-url';
    const platform = !rest ? api.cors !== undefined : false;
    for (const r of api.resources)
      for (const m of r.methods) {
        // A REST API's non-proxy integrations never pass the function's headers on.
        if (rest && m.integration !== 'aws_proxy') continue;
        const id = m.functionId ?? (rest ? OUTSIDE_FUNCTION : undefined);
        if (!id) continue;
        let policy = policies.get(id);
        if (!policy) {
          policy = { origins: new Set<string>(), credentials: false, platformCors: platform };
          policies.set(id, policy);
        }
        // A handler crossgate could not read is taken to answer the pages that call the API: what it
        // does is not known, and is not claimed (CG122 says where crossgate looked).
        const kind = input.handler(id)?.kind;
        const origins =
          kind === 'unknown' || kind === undefined ? input.origins(api) : input.handlerOrigins(id, api);
        for (const o of origins) policy.origins.add(o);
        policy.credentials ||= credentials;
        policy.platformCors &&= platform;
      }
  }
  const readInvoke = staticInvoke(input, policies);
  const runInvoke = input.invoke;
  const options = {
    // A handler the local runtime cannot run (no Python here, a Runtime crossgate does not run) answers
    // from its reading instead; the runtime's notes say so.
    invoke: runInvoke
      ? async (functionId: string, event: unknown, requestId: string, timeoutMs: number) => {
          const outcome = await runInvoke(functionId, event, requestId, timeoutMs);
          return !outcome.ok && outcome.kind === 'unsupported'
            ? readInvoke(functionId, event, requestId, timeoutMs)
            : outcome;
        }
      : readInvoke,
    apiKeys: input.keys,
    stagePrefix: true,
    functionTimeouts: input.functionTimeouts,
    // CG101 reports what API Gateway would refuse; the browser sees those headers absent.
    refuseUndeployable: false,
  };
  const httpApis = (input.endpoints ?? []).filter((e): e is DeployedHttpApi => e.kind === 'http');
  const shared = createGateway({ apis: [], httpApis }, options);
  const byHost = new Map<string, Gateway>();
  for (const u of input.endpoints ?? [])
    if (u.kind === 'function-url')
      byHost.set(new URL(functionUrlOrigin(u)).host, createFunctionUrlGateway(u, options));
  const responder =
    (gateway: Gateway) =>
    async (req: WireRequest): Promise<WireResponse> => {
      const url = new URL(req.url);
      const target = byHost.get(url.host) ?? gateway;
      const g: GatewayRequest = {
        method: req.method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: req.headers,
        body: undefined,
        sourceIp: '127.0.0.1',
        domainName: url.host,
      };
      const res = await target.handle(g);
      return { status: res.status, headers: res.headers };
    };
  const out: SimulatedRequest[] = [];
  const latent: SimulatedRequest[] = [];
  const key = input.keys[0]?.value;
  for (const api of endpoints) {
    const origins = input.origins(api);
    const credentials = input.credentials(api);
    // One gateway per REST API: two APIs on the same stage name must not answer for each other.
    const respond =
      api.kind === 'http' || api.kind === 'function-url'
        ? responder(shared)
        : responder(
            createGateway(
              { apis: [withOutsideFunctions(api)] },
              { ...options, callBackend: staticBackend(new Set(origins)) },
            ),
          );
    const platformCors =
      (api.kind === 'http' || api.kind === 'function-url') && api.cors !== undefined && !api.cors.unresolved;
    const base =
      api.kind === 'function-url'
        ? functionUrlOrigin(api)
        : api.kind === 'http'
          ? `${API_ORIGIN}${api.stageName === '$default' ? '' : `/${api.stageName}`}`
          : `${API_ORIGIN}/${api.stageName ?? 'Prod'}`;
    for (const resource of api.resources) {
      for (const method of resource.methods) {
        for (const shape of shapesFor(api, resource, method, key, credentials)) {
          for (const origin of [...origins, FOREIGN_ORIGIN]) {
            const call: FetchCall = {
              url: `${base}${samplePath(resource.path)}`,
              ...shape.call,
            };
            const verdict = await simulateFetchAsync(origin, call, respond);
            const expectedAllowed = origin !== FOREIGN_ORIGIN;
            const sim = { api, resource, method, origin, expectedAllowed, shape: shape.name, verdict };
            out.push(sim);
            if (
              expectedAllowed &&
              verdict.failedStep === 'preflight' &&
              !(platformCors && CONFIGURATION_CHECK.has(verdict.errorCode ?? ''))
            ) {
              const after = await simulateFetchAsync(origin, call, preflightPasses(respond));
              latent.push({ ...sim, verdict: after, assumes: 'preflight' });
            }
          }
        }
      }
    }
  }
  return { requests: out, latent };
}

/**
 * Preflight failures of the CORS check itself (Access-Control-Allow-Origin, -Credentials). Behind an
 * HTTP API's CorsConfiguration or a Function URL's Cors, the configuration that gave the preflight
 * those headers gives them to the actual answer too ("API Gateway adds the configured CORS headers to
 * the response from an integration"; Lambda "adds the CORS headers to all responses"): the fix of
 * the one is the fix of the other, so there is no actual answer to judge "once the preflight passes".
 */
const CONFIGURATION_CHECK = new Set([
  'PreflightMissingAllowOriginHeader',
  'PreflightMultipleAllowOriginValues',
  'PreflightInvalidAllowOriginValue',
  'PreflightAllowOriginMismatch',
  'PreflightWildcardOriginNotAllowed',
  'PreflightInvalidAllowCredentials',
]);

/** Stands for a Lambda function outside the template (an ARN written out, an import). */
export const OUTSIDE_FUNCTION = '(a function outside this template)';

/**
 * A function outside the template is not known, so it is not claimed to fail: like a handler
 * crossgate cannot read, it is taken to answer the pages that call the API (a note says so).
 */
function withOutsideFunctions(api: DeployedApi): DeployedApi {
  const outside = (m: DeployedMethod) => m.integration === 'aws_proxy' && !m.functionId;
  if (!api.resources.some((r) => r.methods.some(outside))) return api;
  return {
    ...api,
    resources: api.resources.map((r) => ({
      ...r,
      methods: r.methods.map((m) => (outside(m) ? { ...m, functionId: OUTSIDE_FUNCTION } : m)),
    })),
  };
}

/**
 * A responder whose preflights all pass (the preflight a browser would accept for exactly this
 * request), and whose actual requests the gateway answers: to see what is behind a broken preflight.
 */
function preflightPasses(respond: (req: WireRequest) => Promise<WireResponse>) {
  return async (req: WireRequest): Promise<WireResponse> => {
    const acrm = req.headers.find(([n]) => n === 'access-control-request-method')?.[1];
    if (req.method !== 'OPTIONS' || acrm === undefined) return respond(req);
    const origin = req.headers.find(([n]) => n === 'origin')?.[1] ?? '*';
    const acrh = req.headers.find(([n]) => n === 'access-control-request-headers')?.[1];
    const headers: Array<[string, string]> = [
      ['access-control-allow-origin', origin],
      ['access-control-allow-methods', acrm],
      ['access-control-allow-credentials', 'true'],
    ];
    if (acrh) headers.push(['access-control-allow-headers', acrh]);
    return { status: 204, headers };
  };
}

/**
 * check calls no backend. AWS services and HTTP backends behind non-proxy integrations answer as on
 * success (their integration responses decide what the browser sees); an HTTP_PROXY backend passes
 * its own headers through, which the template does not show: like a handler crossgate cannot read, it
 * is taken to answer the pages that call the API.
 */
function staticBackend(pageOrigins: Set<string>): CallBackend {
  return async (call) => {
    const headers: Array<[string, string]> = [['content-type', 'application/json']];
    if (call.kind === 'http_proxy') {
      const origin = call.headers.find(([n]) => n.toLowerCase() === 'origin')?.[1];
      if (origin !== undefined && pageOrigins.has(origin)) {
        headers.push(['Access-Control-Allow-Origin', origin], ['Vary', 'Origin']);
        const acrm = call.headers.find(([n]) => n.toLowerCase() === 'access-control-request-method')?.[1];
        const acrh = call.headers.find(([n]) => n.toLowerCase() === 'access-control-request-headers')?.[1];
        if (call.httpMethod === 'OPTIONS' && acrm) {
          headers.push(['Access-Control-Allow-Methods', acrm]);
          if (acrh) headers.push(['Access-Control-Allow-Headers', acrh]);
        }
      }
    }
    return { ok: true, status: 200, headers, body: '{}', simulated: 'not called by check' };
  };
}
