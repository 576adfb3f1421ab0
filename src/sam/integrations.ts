/**
 * Reads an `x-amazon-apigateway-integration` as API Gateway imports it: the mock's answer, the
 * integration responses of non-proxy integrations (AWS docs: "x-amazon-apigateway-integration.responses
 * object": each key is a selection pattern, `default` the response no other pattern matches), and the
 * backend an http, http_proxy or aws integration calls.
 */
import { isIntrinsic, Symbolic } from '../template/intrinsics.js';
import { keyPosOf, posOf } from '../template/parse.js';
import type { Pos } from '../template/position.js';
import type { IntegrationResponse, IntegrationTarget, IntegrationType, MappedHeader } from './model.js';

const HEADER_PREFIX = 'method.response.header.';

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export interface ReadIntegration {
  mockStatus: number | undefined;
  mockHeaders: MappedHeader[];
  integrationResponses: IntegrationResponse[];
  target: IntegrationTarget | undefined;
}

export function readIntegration(
  integration: Record<string, unknown>,
  type: IntegrationType,
  headerPos: Record<string, Pos | undefined> | undefined,
  resolve: (v: unknown) => unknown,
): ReadIntegration {
  const integrationResponses: IntegrationResponse[] = [];
  // Proxy integrations pass the backend's answer through: API Gateway has no integration responses for them.
  if (type === 'mock' || type === 'aws' || type === 'http') {
    const responses = isRecord(integration.responses) ? integration.responses : {};
    for (const [pattern, r] of Object.entries(responses)) {
      if (!isRecord(r)) continue;
      const params = isRecord(r.responseParameters) ? r.responseParameters : {};
      const headers: MappedHeader[] = [];
      for (const [k, v] of Object.entries(params)) {
        if (!k.startsWith(HEADER_PREFIX)) continue;
        const name = k.slice(HEADER_PREFIX.length);
        headers.push(mappedHeader(name, v, headerPos?.[name] ?? posOf(params, k), resolve, 'integration'));
      }
      const status = Number(resolve(r.statusCode) ?? 200);
      integrationResponses.push({
        pattern,
        statusCode: Number.isFinite(status) ? status : 200,
        headers,
        templates: isRecord(r.responseTemplates) ? r.responseTemplates : {},
        pos: keyPosOf(responses, pattern),
      });
    }
  }
  let mockStatus: number | undefined;
  let mockHeaders: MappedHeader[] = [];
  if (type === 'mock') {
    const dflt = integrationResponses.find((r) => r.pattern === 'default') ?? integrationResponses[0];
    if (dflt) {
      mockStatus = dflt.statusCode;
      mockHeaders = dflt.headers;
    }
  }
  let target: IntegrationTarget | undefined;
  if (type === 'http' || type === 'http_proxy' || type === 'aws') {
    const url = resolve(integration.uri);
    const text = typeof url === 'string' ? url : uriText(integration.uri);
    const service = text
      ? /apigateway:(?:\$\{[^}]*\}|[a-z0-9-]+):([A-Za-z0-9.-]+):(?:path|action)\//.exec(text)?.[1]
      : undefined;
    target = {
      uri: integration.uri,
      url: typeof url === 'string' ? url : undefined,
      connectionType: String(resolve(integration.connectionType) ?? 'INTERNET').toUpperCase(),
      httpMethod:
        typeof integration.httpMethod === 'string' ? integration.httpMethod.toUpperCase() : undefined,
      service: service?.split('.').at(-1),
      pos: posOf(integration, 'uri'),
    };
  }
  return { mockStatus, mockHeaders, integrationResponses, target };
}

/** The text of a URI written with Fn::Sub or Fn::Join, intrinsics left as written. */
function uriText(uri: unknown): string | undefined {
  if (typeof uri === 'string') return uri;
  if (!isRecord(uri)) return undefined;
  const sub = uri['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  const join = uri['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1]))
    return join[1]
      .map((p) => (typeof p === 'string' ? p : '${}'))
      .join(typeof join[0] === 'string' ? join[0] : '');
  return undefined;
}

/**
 * The integration response API Gateway picks for a backend status (AWS docs: "selectionPattern": a
 * regular expression matched against the status code for HTTP and AWS service backends; the default
 * response when no pattern matches). Undefined when none applies: API Gateway then answers 500.
 */
export function responseForStatus(
  responses: IntegrationResponse[],
  status: number,
): IntegrationResponse | undefined {
  const code = String(status);
  for (const r of responses) {
    if (r.pattern === 'default') continue;
    try {
      if (new RegExp(`^(?:${r.pattern})$`, 's').test(code)) return r;
    } catch {
      // A pattern API Gateway would refuse selects nothing here.
    }
  }
  return responses.find((r) => r.pattern === 'default');
}

/**
 * A header mapping expression as API Gateway reads it (AWS docs: "Amazon API Gateway API request and
 * response data mapping reference"): a static value must be enclosed in single quotes; otherwise it
 * must name a source such as method.request.header.X. Anything else fails the deploy with
 * "Invalid mapping expression specified".
 */
export function mappedHeader(
  name: string,
  expression: unknown,
  pos: Pos | undefined,
  resolve: (v: unknown) => unknown,
  kind: 'integration' | 'gatewayresponse',
): MappedHeader {
  let value: string | undefined;
  let invalid: string | undefined;
  const resolved = isIntrinsic(expression) ? resolve(expression) : expression;
  if (resolved instanceof Symbolic || isIntrinsic(resolved)) {
    // Known only after deploy: neither judged valid nor invalid.
  } else if (typeof resolved === 'string') {
    const m = /^'(.*)'$/s.exec(resolved);
    if (m) value = m[1];
    else if (!isSourceExpression(resolved, kind)) {
      invalid = `Invalid mapping expression specified: ${resolved} (a static header value must be in single quotes: "'${resolved}'")`;
    }
  } else {
    invalid = `Invalid mapping expression specified: ${String(resolved)} (a static header value must be a quoted string: "'${String(resolved)}'")`;
  }
  return { name, expression, value, invalid, pos };
}

function isSourceExpression(expr: string, kind: 'integration' | 'gatewayresponse'): boolean {
  if (kind === 'integration') {
    return /^(method\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.[^\s]+|integration\.response\.(header|multivalueheader)\.[^\s]+|integration\.response\.body(\.[^\s]+)?|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$/.test(
      expr,
    );
  }
  return /^(method\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.[^\s]+|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$/.test(
    expr,
  );
}
