/**
 * What API Gateway does with a request for an integration other than Lambda proxy and mock: HTTP
 * (non-proxy), HTTP_PROXY, AWS service (and Lambda non-proxy, an AWS integration with Lambda), over
 * the internet or a VPC link. Pure apart from the backend call it is given.
 *
 * - HTTP_PROXY passes the backend's status, headers and body through (AWS docs: "Set up HTTP proxy
 *   integrations in API Gateway").
 * - HTTP and AWS pick the integration response whose selection pattern matches the backend's status
 *   (for Lambda: the error message; success takes `default`) and answer with its status and its
 *   mapped headers (AWS docs: "Set up an integration response in API Gateway"); no match and no
 *   default is API Gateway's "No match for output mapping and no default output mapping specified",
 *   a 500.
 * - A backend that cannot be reached is a 500 ("Execution failed due to configuration error", AWS
 *   Knowledge Center "api-gateway-500-error-vpc"); one that does not answer in time is a 504
 *   INTEGRATION_TIMEOUT.
 *
 * Mapping templates (VTL) are not run: a template without `$` or `#` is sent as written, otherwise
 * the backend's body passes through and the trace says so.
 */
import { responseForStatus } from '../sam/integrations.js';
import type { DeployedMethod, IntegrationResponse, IntegrationTarget, MappedHeader } from '../sam/model.js';
import { headerValue } from './proxy-event.js';
import { readRequestReference, requestReference } from './request-reference.js';
import type { BackendCall, BackendOutcome, CallBackend, GatewayRequest, HeaderList } from './types.js';

export type { BackendCall, BackendOutcome, CallBackend };

/**
 * The backend crossgate uses when none is given: AWS services answer as they do on success without
 * being called (nothing offline can call them); HTTP backends are not called.
 */
export const offlineBackend: CallBackend = async (call) => {
  if (call.kind === 'aws')
    return {
      ok: true,
      status: 200,
      headers: [],
      body: '',
      simulated: `the ${call.target.service ?? 'AWS'} service is not called offline; its success was assumed`,
    };
  return {
    ok: false,
    kind: 'unreachable',
    message: `${call.url ?? 'the backend'} is not called offline`,
  };
};

/** The URL API Gateway calls: `{name}` filled from the path parameters; HTTP_PROXY adds the query string. */
export function backendUrl(
  target: IntegrationTarget,
  params: Record<string, string>,
  query: string,
  proxy: boolean,
): string | undefined {
  if (target.url === undefined) return undefined;
  let url = target.url.replace(
    /\{([^}]+?)\+?\}/g,
    (m, name: string) => params[name] ?? params[`${name}+`] ?? m,
  );
  if (proxy && query) url += (url.includes('?') ? '&' : '?') + query;
  return url;
}

export interface IntegrationAnswer {
  status: number;
  headers: HeaderList;
  body: Uint8Array | string;
  reason: string;
}

/** A failure API Gateway answers with one of its own responses. */
export interface IntegrationFailure {
  gatewayResponse: 'API_CONFIGURATION_ERROR' | 'INTEGRATION_TIMEOUT';
  reason: string;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);

/** The answer for an HTTP_PROXY, HTTP or AWS integration, once the backend (or the Lambda function) has answered. */
export function integrationAnswer(
  method: DeployedMethod,
  req: GatewayRequest,
  outcome: BackendOutcome,
  via: string,
): IntegrationAnswer | IntegrationFailure {
  if (!outcome.ok) {
    if (outcome.kind === 'timeout')
      return {
        gatewayResponse: 'INTEGRATION_TIMEOUT',
        reason: `${via} did not answer in time: ${outcome.message}`,
      };
    return {
      gatewayResponse: 'API_CONFIGURATION_ERROR',
      reason: `Execution failed due to configuration error: ${outcome.message}`,
    };
  }
  const simulated = outcome.simulated ? ` (${outcome.simulated})` : '';
  if (method.integration === 'http_proxy') {
    const headers = outcome.headers.filter(([n]) => !HOP_BY_HOP.has(n.toLowerCase()));
    return {
      status: outcome.status,
      headers,
      body: outcome.body,
      reason: `HTTP proxy integration: ${via} answered ${outcome.status}, passed through${simulated}`,
    };
  }
  const chosen = responseForStatus(method.integrationResponses, outcome.status);
  if (!chosen)
    return {
      gatewayResponse: 'API_CONFIGURATION_ERROR',
      reason: `Execution failed due to configuration error: No match for output mapping and no default output mapping specified (${via} answered ${outcome.status})`,
    };
  return mappedAnswer(chosen, req, outcome, `${via} answered ${outcome.status}${simulated}`);
}

/** A Lambda non-proxy integration's answer: success takes `default`; an error is matched by its message. */
export function lambdaIntegrationAnswer(
  method: DeployedMethod,
  req: GatewayRequest,
  result: { ok: true; value: unknown } | { ok: false; message: string },
  via: string,
): IntegrationAnswer | IntegrationFailure {
  const responses = method.integrationResponses;
  let chosen: IntegrationResponse | undefined;
  if (!result.ok)
    chosen = responses.find((r) => r.pattern !== 'default' && matches(r.pattern, result.message));
  chosen ??= responses.find((r) => r.pattern === 'default');
  if (!chosen)
    return {
      gatewayResponse: 'API_CONFIGURATION_ERROR',
      reason: `Execution failed due to configuration error: No match for output mapping and no default output mapping specified (${via})`,
    };
  const body = result.ok
    ? JSON.stringify(result.value ?? null)
    : JSON.stringify({ errorMessage: result.message });
  return mappedAnswer(chosen, req, { status: 200, headers: [], body }, via);
}

function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 's').test(text);
  } catch {
    return false;
  }
}

function mappedAnswer(
  chosen: IntegrationResponse,
  req: GatewayRequest,
  backend: { status: number; headers: HeaderList; body: Uint8Array | string },
  story: string,
): IntegrationAnswer {
  const headers: HeaderList = [];
  for (const h of chosen.headers) {
    const v = headerFrom(h, req, backend.headers);
    if (v !== undefined) headers.push([h.name, v]);
  }
  const template = chosen.templates['application/json'] ?? Object.values(chosen.templates)[0];
  let body = backend.body;
  let templateNote = '';
  if (typeof template === 'string' && template !== '') {
    if (/[$#]/.test(template)) templateNote = '; its mapping template was not run';
    else body = template;
  }
  if (!headers.some(([n]) => n.toLowerCase() === 'content-type'))
    headers.unshift(['content-type', 'application/json']);
  return {
    status: chosen.statusCode,
    headers,
    body,
    reason: `${story}; integration response '${chosen.pattern}' → ${chosen.statusCode}${templateNote}`,
  };
}

/** A mapped header's value: a literal, a request value, or a header of the backend's answer. */
function headerFrom(h: MappedHeader, req: GatewayRequest, backend: HeaderList): string | undefined {
  if (h.value !== undefined) return h.value;
  if (typeof h.expression !== 'string') return undefined;
  const m = /^integration\.response\.header\.(.+)$/.exec(h.expression);
  if (m) return headerValue(backend, m[1].toLowerCase());
  const ref = requestReference(h.expression);
  return ref ? readRequestReference(ref, req) : undefined;
}
