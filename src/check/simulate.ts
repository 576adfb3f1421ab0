/**
 * The browser's requests, sent through the gateway model: for every API, route, origin and request
 * shape a web app sends, the browser model runs the fetch() and the gateway model answers — the same
 * code `crossgate serve` runs. Handlers answer from a static reading of their source, or for real
 * (`--invoke`) through the local runtime.
 */
import { type FetchCall, simulateFetchAsync, type WireRequest, type WireResponse } from '../browser/index.js';
import type { ApiKey } from '../gateway/api-keys.js';
import { createGateway } from '../gateway/gateway.js';
import type { GatewayRequest, Invoke, InvokeOutcome } from '../gateway/types.js';
import type { DeployedApi, DeployedMethod, Deployment } from '../sam/model.js';
import type { HandlerCors } from './handler-scan.js';
import type { SimulatedRequest } from './types.js';

/** The origin no template allows: what an attacker's page is. */
export const FOREIGN_ORIGIN = 'https://not-allowed.example';
const API_ORIGIN = 'https://api.crossgate.local';

export interface SimulationInput {
  deployment: Deployment;
  keys: ApiKey[];
  origins: (api: DeployedApi) => string[];
  /** The origins a handler that uses a CORS library allows, as far as its source and environment show. */
  handlerOrigins: (functionId: string, api: DeployedApi) => string[];
  credentials: (api: DeployedApi) => boolean;
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
}

function staticInvoke(input: SimulationInput, policies: Map<string, HandlerPolicy>): Invoke {
  return async (functionId, raw) => {
    if (input.authorizerFunctions.has(functionId))
      return ok({
        principalId: 'crossgate-check',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }],
        },
      });
    const event = raw as { headers: Record<string, string> | null; httpMethod: string };
    let origin: string | undefined;
    let acrh: string | undefined;
    let acrm: string | undefined;
    for (const [k, v] of Object.entries(event.headers ?? {})) {
      const n = k.toLowerCase();
      if (n === 'origin') origin = v;
      else if (n === 'access-control-request-headers') acrh = v;
      else if (n === 'access-control-request-method') acrm = v;
    }
    const h = input.handler(functionId);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const policy = policies.get(functionId);
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
  return path.replace(/\{[^}]+\+\}/g, 'a/b').replace(/\{[^}]+\}/g, '1');
}

interface Shape {
  name: string;
  call: Omit<FetchCall, 'url'>;
}

/** The requests a web app sends to one method. */
export function shapesFor(
  api: DeployedApi,
  method: DeployedMethod,
  key: string | undefined,
  credentials: boolean,
): Shape[] {
  const verbs = method.method === 'ANY' ? ['GET', 'POST', 'PUT', 'DELETE'] : [method.method];
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
    const authorizer = method.authorizer ? api.authorizers[method.authorizer] : undefined;
    if (authorizer) {
      const names =
        authorizer.type === 'TOKEN'
          ? [authorizer.identityHeaders[0] ?? 'Authorization']
          : authorizer.identityHeaders;
      for (const n of names)
        headers.push([n, n.toLowerCase() === 'authorization' ? 'Bearer crossgate-check' : 'crossgate-check']);
      if (names.length) parts.push(`with ${names.join(', ')}`);
    } else if (
      method.authorizer === 'AWS_IAM' ||
      (authorizer === undefined && method.authorizer && method.authorizer !== 'NONE')
    ) {
      headers.push(['Authorization', 'Bearer crossgate-check']);
      parts.push('with Authorization');
    }
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

export async function simulateRequests(input: SimulationInput): Promise<SimulatedRequest[]> {
  const policies = new Map<string, HandlerPolicy>();
  for (const api of input.deployment.apis) {
    const credentials = input.credentials(api);
    for (const r of api.resources)
      for (const m of r.methods) {
        if (!m.functionId) continue;
        let policy = policies.get(m.functionId);
        if (!policy) {
          policy = { origins: new Set<string>(), credentials: false };
          policies.set(m.functionId, policy);
        }
        for (const o of input.handlerOrigins(m.functionId, api)) policy.origins.add(o);
        policy.credentials ||= credentials;
      }
  }
  const readInvoke = staticInvoke(input, policies);
  const runInvoke = input.invoke;
  const gateway = createGateway(input.deployment, {
    // A handler the local runtime cannot run (no Python here, a Runtime crossgate does not run) answers
    // from its reading instead; the runtime's notes say so.
    invoke: runInvoke
      ? async (functionId, event, requestId, timeoutMs) => {
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
  });
  const respond = async (req: WireRequest): Promise<WireResponse> => {
    const url = new URL(req.url);
    const g: GatewayRequest = {
      method: req.method,
      path: url.pathname,
      query: url.search.slice(1),
      headers: req.headers,
      body: undefined,
      sourceIp: '127.0.0.1',
      domainName: url.host,
    };
    const res = await gateway.handle(g);
    return { status: res.status, headers: res.headers };
  };
  const out: SimulatedRequest[] = [];
  const key = input.keys[0]?.value;
  for (const api of input.deployment.apis) {
    const origins = input.origins(api);
    const credentials = input.credentials(api);
    const stage = api.stageName ?? 'Prod';
    for (const resource of api.resources) {
      for (const method of resource.methods) {
        for (const shape of shapesFor(api, method, key, credentials)) {
          for (const origin of [...origins, FOREIGN_ORIGIN]) {
            const call: FetchCall = {
              url: `${API_ORIGIN}/${stage}${samplePath(resource.path)}`,
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
