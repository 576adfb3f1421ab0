/**
 * Response parameters that read the request: `method.request.header.Origin`,
 * `method.request.querystring.name`, `method.request.path.id` (AWS docs: "Amazon API Gateway API
 * request and response data mapping reference"). Used for the mock integration's headers (the OPTIONS
 * methods SAM generates) and for gateway responses, which API Gateway maps alike.
 */
import { headerValue, parseQuery } from './proxy-event.js';
import type { GatewayRequest } from './types.js';

export interface RequestReference {
  source: 'header' | 'querystring' | 'path';
  key: string;
}

export function requestReference(expression: unknown): RequestReference | undefined {
  if (typeof expression !== 'string') return undefined;
  const m = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(expression);
  return m ? { source: m[1] as RequestReference['source'], key: m[2] } : undefined;
}

/** The referenced value in this request; path parameters are not known where these are read. */
export function readRequestReference(ref: RequestReference, req: GatewayRequest): string | undefined {
  if (ref.source === 'header') return headerValue(req.headers, ref.key.toLowerCase());
  if (ref.source === 'querystring') return parseQuery(req.query).single?.[ref.key] ?? undefined;
  return undefined;
}
