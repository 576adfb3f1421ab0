/**
 * The browser's requests, sent through the gateway model: for every API, route, origin and request
 * shape a web app sends, the browser model runs the fetch() and the gateway model answers — the same
 * code `crossgate serve` runs. Handlers answer from a static reading of their source, or for real
 * (`--invoke`) through the local runtime.
 */
import { type FetchCall, simulateFetchAsync, type WireRequest, type WireResponse } from '../browser/index.js';
import type { ApiKey } from '../gateway/api-keys.js';
import { createFunctionUrlGateway, createGateway, type Gateway } from '../gateway/gateway.js';
import type { GatewayRequest, Invoke, InvokeOutcome } from '../gateway/types.js';
import type {
  DeployedEndpoint,
  DeployedFunctionUrl,
  DeployedHttpApi,
  DeployedMethod,
  Deployment,
} from '../sam/model.js';
import type { HandlerCors } from './handler-scan.js';
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
    if (!a || a.type === 'AWS_IAM')
      return [
        [
          'Authorization',
          'AWS4-HMAC-SHA256 Credential=crossgate-check/20260101/us-east-1/execute-api/aws4_request',
        ],
      ];
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
 * The methods a web app sends to an ANY route. A REST API's preflight allows every method of the path,
 * so all are tried. An HTTP API's catch-all or a Function URL says which it expects only through its
 * CORS AllowMethods: those, or the simple GET and POST when it lists none.
 */
function anyVerbs(api: DeployedEndpoint): string[] {
  if (api.kind !== 'http' && api.kind !== 'function-url') return ['GET', 'POST', 'PUT', 'DELETE'];
  const listed = (api.cors?.allowMethods ?? []).map((m) => m.toUpperCase());
  if (listed.length === 0 || listed.includes('*')) return ['GET', 'POST'];
  return ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].filter((m) => listed.includes(m));
}

/** The requests a web app sends to one method. */
export function shapesFor(
  api: DeployedEndpoint,
  method: DeployedMethod,
  key: string | undefined,
  credentials: boolean,
): Shape[] {
  const verbs = method.method === 'ANY' ? anyVerbs(api) : [method.method];
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
    if (method.apiKeyRequired && key) {
      headers.push(['x-api-key', key]);
      parts.push('with x-api-key');
    }
    const auth = authorizerHeaders(api, method);
    headers.push(...auth);
    if (auth.length) parts.push(`with ${auth.map(([n]) => n).join(', ')}`);
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

export async function simulateRequests(input: SimulationInput): Promise<SimulatedRequest[]> {
  const policies = new Map<string, HandlerPolicy>();
  const endpoints: DeployedEndpoint[] = [...input.deployment.apis, ...(input.endpoints ?? [])];
  for (const api of endpoints) {
    const credentials = input.credentials(api);
    const platform = api.kind === 'http' || api.kind === 'function-url' ? api.cors !== undefined : false;
    for (const r of api.resources)
      for (const m of r.methods) {
        if (!m.functionId) continue;
        let policy = policies.get(m.functionId);
        if (!policy) {
          policy = { origins: new Set<string>(), credentials: false, platformCors: platform };
          policies.set(m.functionId, policy);
        }
        for (const o of input.handlerOrigins(m.functionId, api)) policy.origins.add(o);
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
  const gateway = createGateway({ apis: input.deployment.apis, httpApis }, options);
  const byHost = new Map<string, Gateway>();
  for (const u of input.endpoints ?? [])
    if (u.kind === 'function-url')
      byHost.set(new URL(functionUrlOrigin(u)).host, createFunctionUrlGateway(u, options));
  const respond = async (req: WireRequest): Promise<WireResponse> => {
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
  const key = input.keys[0]?.value;
  for (const api of endpoints) {
    const origins = input.origins(api);
    const credentials = input.credentials(api);
    const base =
      api.kind === 'function-url'
        ? functionUrlOrigin(api)
        : api.kind === 'http'
          ? `${API_ORIGIN}${api.stageName === '$default' ? '' : `/${api.stageName}`}`
          : `${API_ORIGIN}/${api.stageName ?? 'Prod'}`;
    for (const resource of api.resources) {
      for (const method of resource.methods) {
        for (const shape of shapesFor(api, method, key, credentials)) {
          for (const origin of [...origins, FOREIGN_ORIGIN]) {
            const call: FetchCall = {
              url: `${base}${samplePath(resource.path)}`,
              ...shape.call,
            };
            const verdict = await simulateFetchAsync(origin, call, respond);
            out.push({
              api,
              resource,
              method,
              origin,
              expectedAllowed: origin !== FOREIGN_ORIGIN,
              shape: shape.name,
              verdict,
            });
          }
        }
      }
    }
  }
  return out;
}
