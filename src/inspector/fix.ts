/**
 * "What to change": for an exchange the browser blocks, one plain sentence naming the template property
 * or the handler to change, with the position when the deployment model knows it; plus the findings
 * `crossgate check` reports for the same route, when the inspector was given the template.
 */
import { formatPos } from '../template/position.js';
import type { Recorded } from './record.js';

export interface FindingView {
  code: string;
  severity: string;
  message: string;
  at: string | undefined;
  fix: string | undefined;
  hint: string | undefined;
}

export interface FixView {
  /** What to change, in one or two sentences. */
  text: string;
  /** file:line:col of the value to change, when known. */
  at: string | undefined;
  findings: FindingView[];
}

export interface FindingLike {
  code: string;
  severity: string;
  message: string;
  pos?: { file: string; line: number; col: number };
  route?: string;
  fix?: { description: string };
  hint?: string;
}

export function fixFor(r: Recorded, findings: FindingLike[]): FixView | undefined {
  const v = r.judgement;
  if (!v || v.judgement.ok) return undefined;
  const j = v.judgement;
  const t = r.exchange.response.trace;
  const origin = v.origin;
  const path = t.resource?.path;
  const pos = t.method?.pos ? formatPos(t.method.pos) : undefined;
  let text: string;
  let at = pos;
  if (t.api && t.api.kind !== 'rest') {
    text = platformFixText(
      t.api.kind,
      t,
      r.exchange.response.status,
      j.errorCode,
      j.disallowedHeaders,
      origin,
      v.method,
    );
    return { text, at: t.kind === 'mock' ? undefined : at, findings: related(findings, path) };
  }
  switch (j.errorCode) {
    case 'PreflightInvalidStatus':
      if (t.kind === 'gateway-response' && t.method?.apiKeyRequired)
        text =
          'The API key guards the OPTIONS preflight, and a browser never sends x-api-key on a preflight. Set Auth.AddApiKeyRequiredToCorsPreflight: false on the Api, or require the key per function event instead of API-wide.';
      else if (t.kind === 'gateway-response' && t.method?.authorizer)
        text = `The authorizer ${t.method.authorizer} guards the OPTIONS preflight, and a browser's preflight carries no Authorization header. Set Auth.AddDefaultAuthorizerToCorsPreflight: false on the Api.`;
      else if (t.responseType === 'MISSING_AUTHENTICATION_TOKEN')
        text = `No OPTIONS method exists at ${r.exchange.request.path}: give the Api a Cors property so SAM generates the preflight for this path.`;
      else if (t.kind === 'proxy')
        text = `The OPTIONS request reached the function ${t.functionId ?? ''}, which answered ${r.exchange.response.status}: answer OPTIONS with 200 (or give the Api a Cors property so API Gateway answers it).`;
      else text = `The preflight must answer with a 2xx status; it answered ${r.exchange.response.status}.`;
      break;
    case 'PreflightMissingAllowOriginHeader':
    case 'PreflightAllowOriginMismatch':
    case 'PreflightMultipleAllowOriginValues':
    case 'PreflightInvalidAllowOriginValue':
    case 'PreflightWildcardOriginNotAllowed':
      text =
        t.kind === 'proxy'
          ? `The function ${t.functionId ?? ''} answers the preflight: it must send Access-Control-Allow-Origin: ${origin}.`
          : `Cors.AllowOrigin must allow ${origin}: AllowOrigin: "'${origin}'" (a quoted literal inside the string).`;
      break;
    case 'InvalidAllowHeadersPreflightResponse':
    case 'HeaderDisallowedByPreflightResponse':
      text = `Add ${(j.disallowedHeaders ?? []).join(', ') || 'the header'} to Cors.AllowHeaders (for example AllowHeaders: "'Content-Type,X-Api-Key'").`;
      break;
    case 'InvalidAllowMethodsPreflightResponse':
    case 'MethodDisallowedByPreflightResponse':
      text = `Add ${v.method} to Cors.AllowMethods.`;
      break;
    case 'PreflightInvalidAllowCredentials':
    case 'InvalidAllowCredentials':
      text =
        'The page sends credentials: the response must carry Access-Control-Allow-Credentials: true (Cors.AllowCredentials: true, and the same from the handler).';
      break;
    case 'WildcardOriginNotAllowed':
      text = `With credentials, Access-Control-Allow-Origin may not be *: send ${origin} instead.`;
      at = undefined;
      break;
    default:
      if (t.kind === 'proxy')
        text = `The function ${t.functionId ?? ''} must put Access-Control-Allow-Origin: ${origin} on this response (errors too); crossgate/lambda's withCors does it for every return path.`;
      else if (t.kind === 'gateway-response')
        text = `API Gateway answered itself (${t.responseType ?? 'a gateway response'}) without CORS headers: add Access-Control-Allow-Origin to GatewayResponses.DEFAULT_4XX and DEFAULT_5XX so the page can read the real error.`;
      else text = j.cause ?? 'See the failing check above.';
      if (t.kind !== 'mock') at = undefined;
  }
  return { text, at, findings: related(findings, path) };
}

function related(findings: FindingLike[], path: string | undefined): FixView['findings'] {
  return findings
    .filter((f) => path !== undefined && f.route?.endsWith(` ${path}`))
    .map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      at: f.pos ? formatPos(f.pos) : undefined,
      fix: f.fix?.description,
      hint: f.hint,
    }));
}

/**
 * The fix for an HTTP API or Function URL, where API Gateway or Lambda answers CORS from the
 * CorsConfiguration or Cors (docs/rules CG140–CG149), not from OPTIONS methods and gateway responses.
 */
function platformFixText(
  kind: 'http' | 'function-url',
  t: Recorded['exchange']['response']['trace'],
  status: number,
  code: string | undefined,
  headers: string[] | undefined,
  origin: string,
  method: string,
): string {
  const config = kind === 'http' ? "the HttpApi's CorsConfiguration" : "the Function URL's Cors";
  // Chromium reports a 404 preflight as a missing header: the cause is that no route takes it.
  if (kind === 'http' && status === 404 && code?.startsWith('Preflight'))
    return `No route takes the OPTIONS request and the HTTP API has no CorsConfiguration: add one (AllowOrigins: [${origin}]) and API Gateway answers preflights itself.`;
  switch (code) {
    case 'PreflightInvalidStatus':
      if (t.kind === 'gateway-response' && (status === 401 || status === 403) && t.method?.authorizer)
        return `The preflight reached a route that catches OPTIONS (${t.method.method} ${t.resource?.path}) guarded by authorizer ${t.method.authorizer}; a browser's preflight carries no Authorization header. Add an OPTIONS /{proxy+} route with Auth: { Authorizer: NONE } (AWS docs), or give the routes explicit methods.`;
      return `The preflight must answer with a 2xx status; it answered ${status}.`;
    case 'MultipleAllowOriginValues':
    case 'PreflightMultipleAllowOriginValues':
      return `The function sends Access-Control-Allow-Origin and ${config} adds its own: keep one (remove the function's CORS headers).`;
    case 'HeaderDisallowedByPreflightResponse':
    case 'InvalidAllowHeadersPreflightResponse':
      return `Add ${(headers ?? []).join(', ') || 'the header'} to AllowHeaders in ${config}.`;
    case 'MethodDisallowedByPreflightResponse':
    case 'InvalidAllowMethodsPreflightResponse':
      return `Add ${method} to AllowMethods in ${config}.`;
    case 'PreflightInvalidAllowCredentials':
    case 'InvalidAllowCredentials':
      return `The page sends credentials: set AllowCredentials: true in ${config}.`;
    case 'WildcardOriginNotAllowed':
    case 'PreflightWildcardOriginNotAllowed':
      return `With credentials, Access-Control-Allow-Origin may not be *: list ${origin} in AllowOrigins.`;
    default:
      return `Add ${origin} to AllowOrigins in ${config} (or, without one, send Access-Control-Allow-Origin from the function).`;
  }
}
