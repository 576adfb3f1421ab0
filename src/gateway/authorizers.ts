/**
 * Lambda authorizers (AWS docs: "Use API Gateway Lambda authorizers"; "Input to an API Gateway Lambda
 * authorizer"; "Output from an API Gateway Lambda authorizer"). TOKEN reads one header (and its
 * ValidationExpression); REQUEST reads its identity sources; a missing identity source is a 401
 * without invoking the function. The function answers with a policy: Allow lets the request through
 * with its context, Deny is 403, throwing `Unauthorized` is 401, anything else 500. Answers are cached
 * per identity for the TTL — and the cached policy is checked against each method ARN, as API Gateway
 * does, so a policy that names only the first method denies the next one from the cache.
 */
import type { DeployedAuthorizer } from '../sam/model.js';
import { ownValue } from './object-map.js';
import { headerMaps, headerValue, parseQuery } from './proxy-event.js';
import type { HeaderList, InvokeOutcome } from './types.js';

export type AuthorizerDecision =
  | { kind: 'allow'; principalId: string | undefined; context: Record<string, unknown> }
  | { kind: 'unauthorized'; reason: string }
  | { kind: 'deny'; reason: string }
  | { kind: 'error'; reason: string };

export interface AuthorizerRequest {
  methodArn: string;
  resourcePath: string;
  path: string;
  httpMethod: string;
  headers: HeaderList;
  query: string;
  pathParameters: Record<string, string>;
  stage: string;
  requestContext: Record<string, unknown>;
}

interface CacheEntry {
  expires: number;
  outcome: InvokeOutcome;
}

/**
 * Lambda authorizer answers cached by identity for their TTL. Bounded: a client that sends a new token
 * with every request would otherwise grow it for as long as the TTL (up to an hour), each entry as
 * large as the token. Past the bound, the oldest entry goes.
 */
export class AuthorizerCache {
  static readonly MAX_ENTRIES = 10_000;
  private readonly entries = new Map<string, CacheEntry>();
  get size(): number {
    return this.entries.size;
  }
  get(key: string, now: number): InvokeOutcome | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.outcome;
  }
  set(key: string, outcome: InvokeOutcome, ttlSeconds: number, now: number): void {
    if (ttlSeconds <= 0) return;
    this.entries.delete(key);
    // The first entry is the oldest written (for one TTL, the first to expire).
    if (this.entries.size >= AuthorizerCache.MAX_ENTRIES)
      this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { expires: now + ttlSeconds * 1000, outcome });
  }
}

/** The identity values of a request, or the name of the missing one. */
export function identityOf(
  a: DeployedAuthorizer,
  req: AuthorizerRequest,
): { ok: true; key: string; token?: string } | { ok: false; missing: string } {
  if (a.type === 'TOKEN') {
    const name = a.identityHeaders[0] ?? 'Authorization';
    const token = headerValue(req.headers, name.toLowerCase());
    if (token === undefined || token === '') return { ok: false, missing: `header ${name}` };
    return { ok: true, key: token, token };
  }
  const parts: string[] = [];
  const query = parseQuery(req.query).single ?? {};
  for (const h of a.identityHeaders) {
    const v = headerValue(req.headers, h.toLowerCase());
    if (v === undefined || v === '') return { ok: false, missing: `header ${h}` };
    parts.push(v);
  }
  for (const q of a.identityQueryStrings) {
    const v = ownValue(query, q);
    if (v === undefined || v === '') return { ok: false, missing: `query string ${q}` };
    parts.push(v);
  }
  return { ok: true, key: parts.join('\u0000') };
}

export function authorizerEvent(
  a: DeployedAuthorizer,
  req: AuthorizerRequest,
  token: string | undefined,
): Record<string, unknown> {
  if (a.type === 'TOKEN') return { type: 'TOKEN', methodArn: req.methodArn, authorizationToken: token };
  const { headers, multiValueHeaders } = headerMaps(req.headers);
  const q = parseQuery(req.query);
  return {
    type: 'REQUEST',
    methodArn: req.methodArn,
    resource: req.resourcePath,
    path: req.path,
    httpMethod: req.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: q.single ?? {},
    multiValueQueryStringParameters: q.multi ?? {},
    pathParameters: req.pathParameters,
    stageVariables: {},
    requestContext: req.requestContext,
  };
}

/** Reads what the authorizer function returned and decides for one method ARN. */
export function decide(outcome: InvokeOutcome, methodArn: string): AuthorizerDecision {
  if (!outcome.ok) {
    if (outcome.kind === 'error' && outcome.message === 'Unauthorized')
      return { kind: 'unauthorized', reason: 'the authorizer threw "Unauthorized"' };
    return { kind: 'error', reason: `the authorizer failed: ${outcome.errorType}: ${outcome.message}` };
  }
  const v = outcome.value as Record<string, unknown> | null;
  const doc =
    v && typeof v === 'object' ? (v.policyDocument as Record<string, unknown> | undefined) : undefined;
  const statements =
    doc && Array.isArray(doc.Statement) ? doc.Statement : doc?.Statement ? [doc.Statement] : undefined;
  if (!statements)
    return { kind: 'error', reason: 'the authorizer returned no policyDocument with a Statement' };
  let allowed = false;
  for (const s of statements as Array<Record<string, unknown>>) {
    const actions = ([] as unknown[]).concat(s.Action ?? []);
    if (!actions.some((a) => a === 'execute-api:Invoke' || a === 'execute-api:*' || a === '*')) continue;
    const resources = ([] as unknown[]).concat(s.Resource ?? []);
    if (!resources.some((r) => typeof r === 'string' && arnMatches(r, methodArn))) continue;
    if (s.Effect === 'Deny') return { kind: 'deny', reason: 'the authorizer policy denies this method' };
    if (s.Effect === 'Allow') allowed = true;
  }
  if (!allowed) return { kind: 'deny', reason: 'the authorizer policy does not allow this method ARN' };
  const context: Record<string, unknown> = {};
  const raw = v?.context;
  if (raw && typeof raw === 'object') {
    for (const [k, val] of Object.entries(raw)) {
      // API Gateway passes only string, number and boolean context values (as strings in the event).
      if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean')
        context[k] = String(val);
      else return { kind: 'error', reason: `context.${k} is not a string, number or boolean` };
    }
  }
  return {
    kind: 'allow',
    principalId: typeof v?.principalId === 'string' ? v.principalId : undefined,
    context,
  };
}

/** IAM-style ARN matching: `*` any run of characters, `?` one. */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  let re = '^';
  for (const ch of pattern)
    re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`${re}$`).test(arn);
}
