// The likely cause of a blocked fetch, in API Gateway and SAM terms. The browser model says *what*
// Chromium refused and why (a header, a status); this file reads the response for API Gateway's own
// fingerprints (`x-amzn-ErrorType`, the JSON `message`) and says *which setting* produced it.
// Sources: AWS docs "Gateway response types", "Enabling CORS for a REST API resource", SAM
// AWS::Serverless::Api Cors / Auth (AddApiKeyRequiredToCorsPreflight, AddDefaultAuthorizerToCorsPreflight).

import type { FetchVerdict, HeaderList, WireResponse } from '../browser/index.js';

export interface GatewayCause {
  /** Stable id, for `--json` consumers and tests. */
  id:
    | 'preflight-redirected'
    | 'api-key-on-preflight'
    | 'no-options-method'
    | 'authorizer-on-preflight'
    | 'preflight-gateway-error'
    | 'preflight-not-ok'
    | 'preflight-missing-allow-origin'
    | 'allow-origin-mismatch'
    | 'allow-origin-invalid'
    | 'wildcard-with-credentials'
    | 'missing-allow-credentials'
    | 'method-not-allowed'
    | 'header-not-allowed'
    | 'gateway-response-without-cors'
    | 'handler-without-cors'
    | 'redirect'
    | 'request-rejected';
  /** What most likely happened, in one or two sentences. */
  summary: string;
  /** What to change. */
  fix: string;
}

function header(headers: HeaderList, name: string): string | undefined {
  for (const [n, v] of headers) if (n.toLowerCase() === name) return v;
  return undefined;
}

/** `x-amzn-ErrorType` without the `:http://internal.amazon.com/…` suffix API Gateway sometimes adds. */
export function amznErrorType(res: WireResponse): string | undefined {
  const v = header(res.headers, 'x-amzn-errortype');
  return v === undefined ? undefined : v.split(':')[0].trim();
}

/** What an API Gateway error type means on a method request (AWS docs: Gateway response types). */
const ERROR_TYPE_MEANING: Record<string, string> = {
  ForbiddenException: 'the API key is missing or invalid (or a resource policy / AWS WAF denied the call)',
  MissingAuthenticationTokenException:
    'no method matches this method and path (API Gateway says "Missing Authentication Token" for an unknown route)',
  UnauthorizedException: 'the authorizer found no identity (no or empty Authorization header)',
  AccessDeniedException: 'the authorizer denied the call',
  ThrottlingException: 'the usage plan or stage throttled the call',
  LimitExceededException: "the usage plan's quota is exhausted",
  InternalServerErrorException: 'the Lambda function failed or returned a malformed proxy result',
  BadRequestException: 'request validation failed',
  IncompleteSignatureException: 'IAM authorization: the request is not SigV4-signed',
};

const RETURN_HEADERS =
  "the Lambda handler must return Access-Control-Allow-Origin itself on every response, errors included (crossgate/lambda `withCors`): with Lambda proxy integration API Gateway passes the handler's headers through, and the Api's `Cors` only creates the OPTIONS method";

/** The likely API Gateway cause of a blocked verdict; `undefined` when the fetch was allowed. */
export function gatewayCause(v: FetchVerdict): GatewayCause | undefined {
  if (v.allowed) return undefined;
  if (v.failedStep === 'request')
    return {
      id: 'request-rejected',
      summary: 'The browser refuses this fetch() before sending anything; API Gateway never sees it.',
      fix: 'Change the call in the page (method, body, mode).',
    };
  if (v.failedStep === 'preflight' && v.preflight) return preflightCause(v, v.preflight.response);
  if (v.actual) return actualCause(v, v.actual.response);
  return undefined;
}

function preflightCause(v: FetchVerdict, res: WireResponse): GatewayCause {
  const code = v.errorCode;
  const type = amznErrorType(res);
  const ok = res.status >= 200 && res.status <= 299;
  if (code === 'PreflightDisallowedRedirect') {
    const to = header(res.headers, 'location');
    return {
      id: 'preflight-redirected',
      summary: `The preflight was answered with a ${res.status} redirect${to ? ` to ${to}` : ''}, and browsers refuse a redirected preflight outright. API Gateway itself never redirects: something in front of it does (CloudFront, a custom domain, an http→https rule), or the URL lacks/has an extra trailing slash or stage.`,
      fix: 'Call the final URL directly from the page (the one in Location), with the exact stage path.',
    };
  }
  if (!ok && type === 'ForbiddenException')
    return {
      id: 'api-key-on-preflight',
      summary: `API Gateway refused the OPTIONS preflight with ${res.status} ForbiddenException: the API key is required on the preflight, and a browser never sends x-api-key on a preflight.`,
      fix: "The API key is required on the preflight — set `AddApiKeyRequiredToCorsPreflight: false` in the Api's Auth, or move `ApiKeyRequired` from the Api's Auth to the function events (`Events.<name>.Properties.Auth.ApiKeyRequired: true`).",
    };
  if (!ok && type === 'MissingAuthenticationTokenException')
    return {
      id: 'no-options-method',
      summary: `API Gateway answered the preflight with ${res.status} "Missing Authentication Token": there is no OPTIONS method at this path (or the path or stage in the URL is wrong).`,
      fix: 'Add `Cors` to the Api (or to Globals.Api) so SAM creates an OPTIONS mock for every path, and check that this path belongs to that Api (an event with `RestApiId` pointing at it) and that the URL includes the stage.',
    };
  if (!ok && (type === 'UnauthorizedException' || type === 'AccessDeniedException'))
    return {
      id: 'authorizer-on-preflight',
      summary: `The Api's DefaultAuthorizer ran on the OPTIONS preflight and answered ${res.status} ${type}; a preflight never carries Authorization.`,
      fix: "Set `AddDefaultAuthorizerToCorsPreflight: false` in the Api's Auth (SAM then leaves OPTIONS without an authorizer).",
    };
  if (!ok && type !== undefined)
    return {
      id: 'preflight-gateway-error',
      summary: `API Gateway answered the preflight itself with ${res.status} ${type}${ERROR_TYPE_MEANING[type] ? ` (${ERROR_TYPE_MEANING[type]})` : ''}; a preflight needs a 2XX status whatever its headers.`,
      fix: 'Make OPTIONS a mock without key or authorizer: `Cors` on the Api, `AddApiKeyRequiredToCorsPreflight: false`, `AddDefaultAuthorizerToCorsPreflight: false`.',
    };
  if (!ok)
    return {
      id: 'preflight-not-ok',
      summary: `The OPTIONS preflight got status ${res.status} without an API Gateway error type: it reached an integration (an ANY method or a {proxy+} route sends OPTIONS to the Lambda) that does not answer OPTIONS with 2XX.`,
      fix: 'Add `Cors` to the Api so OPTIONS is a mock, or have the handler answer OPTIONS with 204 and the CORS headers (crossgate/lambda `withCors` does).',
    };
  switch (code) {
    case 'PreflightMissingAllowOriginHeader':
      return {
        id: 'preflight-missing-allow-origin',
        summary:
          "The OPTIONS answer has no Access-Control-Allow-Origin: the Api's `Cors` has no AllowOrigin, or OPTIONS reaches a Lambda (ANY method, {proxy+}) that does not add it.",
        fix: 'Set `Cors.AllowOrigin: "\'https://app.example.com\'"` (a quoted literal) on the Api, or return the header from the handler for OPTIONS.',
      };
    case 'PreflightAllowOriginMismatch':
    case 'PreflightInvalidAllowOriginValue':
    case 'PreflightMultipleAllowOriginValues':
      return originCause(v, code === 'PreflightAllowOriginMismatch', true);
    case 'PreflightWildcardOriginNotAllowed':
      return wildcardCause(true);
    case 'PreflightInvalidAllowCredentials':
      return {
        id: 'missing-allow-credentials',
        summary:
          "The page sends credentials ('include') but the preflight answer lacks Access-Control-Allow-Credentials: true.",
        fix: 'Set `Cors.AllowCredentials: true` on the Api (with an exact AllowOrigin, never `*`).',
      };
    case 'MethodDisallowedByPreflightResponse':
    case 'InvalidAllowMethodsPreflightResponse':
      return {
        id: 'method-not-allowed',
        summary: `The preflight answer does not allow ${v.plan.method}: Access-Control-Allow-Methods comes from the Api's \`Cors.AllowMethods\`.`,
        fix: `List it: \`Cors.AllowMethods: "'${[v.plan.method, 'OPTIONS'].join(',')}'"\` (a quoted, comma-separated literal; names are case-sensitive).`,
      };
    case 'HeaderDisallowedByPreflightResponse':
    case 'InvalidAllowHeadersPreflightResponse': {
      const names = v.disallowedHeaders ?? v.plan.unsafeHeaderNames;
      return {
        id: 'header-not-allowed',
        summary: `The preflight answer does not allow the request header${names.length > 1 ? 's' : ''} ${names.join(', ')}: Access-Control-Allow-Headers comes from the Api's \`Cors.AllowHeaders\`.`,
        fix: `List ${names.length > 1 ? 'them' : 'it'}: \`Cors.AllowHeaders: "'${v.plan.unsafeHeaderNames.join(',')}'"\` (\`*\` covers nothing when credentials are sent, and the Fetch standard never lets it cover Authorization).`,
      };
    }
  }
  return {
    id: 'preflight-not-ok',
    summary: v.cause ?? 'The preflight answer fails the CORS check.',
    fix: "Check the Api's `Cors` values.",
  };
}

function originCause(v: FetchVerdict, mismatch: boolean, preflight: boolean): GatewayCause {
  const where = preflight ? "the Api's `Cors.AllowOrigin` (the OPTIONS mock)" : 'the Lambda handler';
  return mismatch
    ? {
        id: 'allow-origin-mismatch',
        summary: `Access-Control-Allow-Origin, set by ${where}, names another origin than the page's ${v.plan.pageOrigin}.`,
        fix: preflight
          ? "Set `Cors.AllowOrigin` to the page's exact origin (scheme, host, port; no path, no trailing slash). It holds one origin: for several, answer OPTIONS from the handler with an allow-list (crossgate/lambda)."
          : 'Echo the request Origin when it is on the allow-list (crossgate/lambda `withCors({ origins: [...] })`).',
      }
    : {
        id: 'allow-origin-invalid',
        summary: `Access-Control-Allow-Origin, set by ${where}, is not one origin (a list, a duplicate header, or a value without scheme).`,
        fix: preflight
          ? '`Cors.AllowOrigin` takes exactly one quoted origin, e.g. `"\'https://app.example.com\'"`; a comma-separated list is sent verbatim and every browser rejects it.'
          : 'Return exactly one Access-Control-Allow-Origin header with one origin, and do not add it both in the handler and in a proxy in front.',
      };
}

function wildcardCause(preflight: boolean): GatewayCause {
  return {
    id: 'wildcard-with-credentials',
    summary: `Access-Control-Allow-Origin is '*'${preflight ? " (the Api's `Cors.AllowOrigin: \"'*'\"`)" : ''}, which browsers never accept for a request with credentials: 'include'.`,
    fix: preflight
      ? 'Set `Cors.AllowOrigin` to the exact origin and `Cors.AllowCredentials: true`, or drop credentials from the page.'
      : 'Have the handler echo the allowed origin and send Access-Control-Allow-Credentials: true (crossgate/lambda `withCors({ origins, credentials: true })`).',
  };
}

function actualCause(v: FetchVerdict, res: WireResponse): GatewayCause {
  const type = amznErrorType(res);
  const code = v.errorCode;
  if (code === 'RedirectContainsCredentials' || code === 'TooManyRedirects')
    return {
      id: 'redirect',
      summary: v.cause ?? 'The redirect chain was refused.',
      fix: 'Call the final URL directly from the page.',
    };
  const location = res.status >= 300 && res.status < 400 ? header(res.headers, 'location') : undefined;
  if (location !== undefined && code === 'MissingAllowOriginHeader')
    return {
      id: 'redirect',
      summary: `The answer is a ${res.status} redirect to ${location} without Access-Control-Allow-Origin: the browser runs the CORS check on the redirect itself before following it, so it stops here. API Gateway never redirects: something in front of it does (CloudFront, a custom domain, an http→https rule).`,
      fix: 'Call the final URL directly from the page, or add Access-Control-Allow-Origin to the redirect.',
    };
  if (type !== undefined && (code === 'MissingAllowOriginHeader' || code === 'AllowOriginMismatch')) {
    const meaning = ERROR_TYPE_MEANING[type];
    return {
      id: 'gateway-response-without-cors',
      summary: `API Gateway answered ${res.status} ${type} itself${meaning ? ` — ${meaning} —` : ''} and its gateway responses carry no CORS header, so the page sees a CORS error instead of the real one.`,
      fix: `Add Access-Control-Allow-Origin to the Api's GatewayResponses (DEFAULT_4XX and DEFAULT_5XX, \`ResponseParameters.Headers\`), then fix the ${res.status} itself.`,
    };
  }
  switch (code) {
    case 'MissingAllowOriginHeader':
      return {
        id: 'handler-without-cors',
        summary: `The response (${res.status}, no x-amzn-ErrorType, so from the Lambda) has no Access-Control-Allow-Origin.`,
        fix: `${RETURN_HEADERS.charAt(0).toUpperCase()}${RETURN_HEADERS.slice(1)}.`,
      };
    case 'AllowOriginMismatch':
      return originCause(v, true, false);
    case 'MultipleAllowOriginValues':
    case 'InvalidAllowOriginValue':
      return originCause(v, false, false);
    case 'WildcardOriginNotAllowed':
      return wildcardCause(false);
    case 'InvalidAllowCredentials':
      return {
        id: 'missing-allow-credentials',
        summary:
          "The page sends credentials ('include') but the handler's response lacks Access-Control-Allow-Credentials: true.",
        fix: 'Return Access-Control-Allow-Credentials: true from the handler with the echoed origin (crossgate/lambda `withCors({ origins, credentials: true })`).',
      };
  }
  return {
    id: 'handler-without-cors',
    summary: v.cause ?? 'The response fails the CORS check.',
    fix: `${RETURN_HEADERS.charAt(0).toUpperCase()}${RETURN_HEADERS.slice(1)}.`,
  };
}

/** A note for an allowed fetch whose answer is an error the page will now see (and should handle). */
export function allowedNote(v: FetchVerdict): string | undefined {
  if (!v.allowed || !v.actual) return undefined;
  const res = v.actual.response;
  if (res.status < 400) return undefined;
  const type = amznErrorType(res);
  const meaning = type ? ERROR_TYPE_MEANING[type] : undefined;
  return `CORS lets the page read this ${res.status}${type ? ` ${type}` : ''}${meaning ? `: ${meaning}` : ''}.`;
}
