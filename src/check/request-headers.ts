/**
 * The request headers a web app's requests carry, for every kind of API alike: what check's simulated
 * requests send, and what the AllowHeaders rules (CG113 REST, CG141 HTTP API and Function URL) require
 * a preflight to allow. One source, so the two never disagree.
 */
import type { DeployedEndpoint, DeployedMethod, DeployedResource } from '../sam/model.js';

/**
 * A browser's SigV4-signed request (AWS_IAM): Authorization, X-Amz-Date (a page cannot set `Date`, a
 * forbidden request-header name: Fetch §2.2.2) and X-Amz-Security-Token (a page holds temporary
 * credentials, from a Cognito identity pool or STS; never long-term keys). AWS docs: "Elements of an AWS
 * API request signature"; API Gateway's console allows exactly these with "Enable CORS"
 * ('Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token').
 */
export const SIGV4_HEADERS: ReadonlyArray<readonly [string, string]> = [
  [
    'Authorization',
    'AWS4-HMAC-SHA256 Credential=crossgate-check/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=0',
  ],
  ['X-Amz-Date', '20260101T000000Z'],
  ['X-Amz-Security-Token', 'crossgate-check'],
];

export interface NeededHeader {
  /** As the docs write it: `Content-Type`, `X-Api-Key`, `Authorization`, `X-Amz-Date`. */
  name: string;
  /** Why the routes need it: `JSON bodies`, `the API key`, `authorizer Users`, `IAM (SigV4)`. */
  why: string;
}

/** Methods whose requests carry a body, sent as JSON (Content-Type: application/json is not safelisted). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'ANY']);

/**
 * The headers the methods of `resources` (default: all of the API's) make a web app send, by lower-case
 * name: Content-Type for JSON bodies, x-api-key for a required API key, an authorizer's identity
 * headers, the SigV4 headers for IAM (a Function URL's AWS_IAM included).
 */
export function neededHeaders(
  api: DeployedEndpoint,
  resources: DeployedResource[] = api.resources,
): Map<string, NeededHeader> {
  const need = new Map<string, NeededHeader>();
  const add = (name: string, why: string) => {
    if (!need.has(name.toLowerCase())) need.set(name.toLowerCase(), { name, why });
  };
  for (const r of resources)
    for (const m of r.methods) {
      if (m.method === 'OPTIONS') continue;
      if (BODY_METHODS.has(m.method)) add('Content-Type', 'JSON bodies');
      if (m.apiKeyRequired) add('X-Api-Key', 'the API key');
      for (const [name, why] of authorizerHeaders(api, m)) add(name, why);
    }
  return need;
}

/** The headers a route's authorizer reads, each with why; SigV4's for IAM. */
export function authorizerHeaders(api: DeployedEndpoint, method: DeployedMethod): Array<[string, string]> {
  const name = method.authorizer;
  if (!name || name === 'NONE') return [];
  const sigv4 = () => SIGV4_HEADERS.map(([h]): [string, string] => [h, 'IAM authorization (SigV4)']);
  if (api.kind === 'http' || api.kind === 'function-url') {
    const a = api.kind === 'http' ? api.authorizers[name] : undefined;
    if (!a || a.type === 'AWS_IAM') return sigv4();
    const why = `the ${a.type === 'JWT' ? 'JWT' : 'Lambda'} authorizer ${a.name}`;
    return a.identitySource
      .filter((s) => s.startsWith('$request.header.'))
      .map((s): [string, string] => [s.slice('$request.header.'.length), why]);
  }
  if (name === 'AWS_IAM') return sigv4();
  const a = api.authorizers[name];
  if (!a) return [['Authorization', `authorizer ${name}`]];
  if (a.type === 'AWS_IAM') return sigv4();
  const headers = a.type === 'REQUEST' ? a.identityHeaders : [a.identityHeaders[0] ?? 'Authorization'];
  return headers.map((h): [string, string] => [h, `authorizer ${a.name}`]);
}
