/**
 * CORS that the platform answers itself, from a configuration: HTTP APIs (`CorsConfiguration`, AWS
 * docs "Configuring CORS for an HTTP API") and Function URLs (`Cors`, AWS Lambda docs "Creating and
 * managing Lambda function URLs", Cross-origin resource sharing). Everything that depends only on the
 * configuration is computed once here, so a request is a few lookups.
 *
 * What the documentation says, and what crossgate does where it says nothing:
 * - "If you configure CORS for an API, API Gateway automatically sends a response to preflight
 *   OPTIONS requests, even if there isn't an OPTIONS route configured" — a preflight is an OPTIONS
 *   request with an Origin and an Access-Control-Request-Method ("For the OPTIONS method, your
 *   request must contain an origin header and an Access-Control-Request-Method header").
 * - "API Gateway adds the configured CORS headers to the response from an integration" and
 *   "ignores CORS headers returned from your backend integration" (HTTP APIs).
 * - Function URLs: "Lambda automatically adds the CORS headers to all responses through the
 *   function URL"; "if there are conflicting headers, the configured CORS headers on the function URL
 *   take precedence". What browsers were seen to receive is both: a handler that sets
 *   Access-Control-Allow-Origin behind a Function URL with Cors gets two values, which Chromium
 *   refuses ("The 'Access-Control-Allow-Origin' header contains multiple values 'http://127.0.0.1:5500,
 *   http://127.0.0.1:5500'", aws-powertools/powertools-lambda-python#4163; awslabs hummingbird
 *   todos-lambda #130). crossgate sends both, as observed.
 * - That report also shows a Function URL with AllowOrigins ['*'] answering with the caller's own
 *   origin, not `*`; crossgate echoes the origin for Function URLs, and sends `*` for HTTP APIs
 *   (the documented value, observed behaviour not found).
 * - HTTP APIs also take `https://*` ("allow any origin that begins with https://") and `http://*`
 *   (the allowOrigins example values of "Configuring CORS for an HTTP API"). Which value answers such
 *   an origin is not documented; `https://*` is no value a browser accepts, so crossgate answers with
 *   the caller's origin, which it has just checked against the prefix. The Function URL documentation
 *   lists no such form, so for a Function URL it is a literal that matches nothing.
 * Not documented, chosen and said here: the status of the platform's own preflight answer (HTTP APIs
 * 204, Function URLs 200; no capture of either was found, and a browser accepts any 2xx); a request
 * from an origin the configuration does not list gets the answer without any CORS header; the lists
 * are sent as configured, joined by `,`, and the browser decides whether the method and headers it
 * asked for are among them (AWS may instead leave out what the request did not ask for).
 */
import type { DeployedCors } from '../sam/model.js';
import { headerValue } from './proxy-event.js';
import type { GatewayRequest, HeaderList } from './types.js';

export type CorsOwner = 'http' | 'function-url';

export interface CorsPolicy {
  owner: CorsOwner;
  config: DeployedCors;
  anyOrigin: boolean;
  origins: Set<string>;
  /** `https://` and `http://` for AllowOrigins `https://*` and `http://*` (HTTP APIs only). */
  schemePrefixes: string[];
  /** The preflight headers after Access-Control-Allow-Origin, ready to send. */
  preflight: HeaderList;
  /** The headers every CORS response carries after Access-Control-Allow-Origin. */
  actual: HeaderList;
  /** Status of the platform's own preflight answer. */
  preflightStatus: number;
}

export function compileCors(config: DeployedCors, owner: CorsOwner): CorsPolicy {
  const preflight: HeaderList = [];
  const actual: HeaderList = [];
  if (config.allowCredentials) {
    preflight.push(['access-control-allow-credentials', 'true']);
    actual.push(['access-control-allow-credentials', 'true']);
  }
  if (config.allowMethods.length > 0)
    preflight.push(['access-control-allow-methods', config.allowMethods.join(',')]);
  if (config.allowHeaders.length > 0)
    preflight.push(['access-control-allow-headers', config.allowHeaders.join(',')]);
  if (config.maxAge !== undefined) preflight.push(['access-control-max-age', String(config.maxAge)]);
  if (config.exposeHeaders.length > 0)
    actual.push(['access-control-expose-headers', config.exposeHeaders.join(',')]);
  return {
    owner,
    config,
    anyOrigin: config.allowOrigins.includes('*'),
    origins: new Set(config.allowOrigins),
    schemePrefixes:
      owner === 'http'
        ? config.allowOrigins.filter((o) => o === 'https://*' || o === 'http://*').map((o) => o.slice(0, -1))
        : [],
    preflight,
    actual,
    preflightStatus: owner === 'http' ? 204 : 200,
  };
}

/** A CORS preflight as the platforms recognise one: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(req: GatewayRequest): boolean {
  if (req.method !== 'OPTIONS') return false;
  let origin = false;
  let acrm = false;
  for (const [name] of req.headers) {
    const n = name.toLowerCase();
    if (n === 'origin') origin = true;
    else if (n === 'access-control-request-method') acrm = true;
  }
  return origin && acrm;
}

/**
 * An Origin as browsers serialize it (`scheme://host[:port]`, or `null`), checked before crossgate sends
 * a caller's Origin back: a value a browser never sends (a list, spaces, bytes past ASCII, a path) is
 * not echoed.
 */
const SERIALIZED_ORIGIN =
  /^(?:null|[a-z][a-z0-9+.-]*:\/\/(?:[a-z0-9._~!$&'()*+;=%-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?)$/i;

/** The Access-Control-Allow-Origin value for a request's Origin, or undefined when not allowed. */
export function allowedOrigin(policy: CorsPolicy, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (policy.origins.has(origin)) return origin;
  if (policy.anyOrigin && policy.owner === 'http') return '*';
  // Past here the answer is the caller's own Origin.
  if (origin.length > 2048 || !SERIALIZED_ORIGIN.test(origin)) return undefined;
  if (policy.anyOrigin) return origin;
  // `https://*` covers a whole origin after the scheme, not `https://` alone.
  for (const prefix of policy.schemePrefixes)
    if (origin.length > prefix.length && origin.startsWith(prefix)) return origin;
  return undefined;
}

/** The CORS headers of the platform's own preflight answer (none for an origin it does not allow). */
export function preflightHeaders(policy: CorsPolicy, req: GatewayRequest): HeaderList {
  const allow = allowedOrigin(policy, headerValue(req.headers, 'origin'));
  if (allow === undefined) return [];
  return [['access-control-allow-origin', allow], ...policy.preflight];
}

/** The CORS headers the platform adds to any other answer to a request with an allowed Origin. */
export function responseCorsHeaders(policy: CorsPolicy, req: GatewayRequest): HeaderList {
  const allow = allowedOrigin(policy, headerValue(req.headers, 'origin'));
  if (allow === undefined) return [];
  if (isPreflight(req)) return [['access-control-allow-origin', allow], ...policy.preflight];
  return [['access-control-allow-origin', allow], ...policy.actual];
}

/** An integration's headers without its own CORS headers (what an HTTP API with CORS does). */
export function withoutCorsHeaders(headers: HeaderList): { kept: HeaderList; dropped: string[] } {
  const kept: HeaderList = [];
  const dropped: string[] = [];
  for (const h of headers) {
    if (h[0].toLowerCase().startsWith('access-control-')) dropped.push(h[0]);
    else kept.push(h);
  }
  return { kept, dropped };
}
