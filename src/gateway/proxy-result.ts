/**
 * What API Gateway does with a Lambda proxy result (AWS docs: "Output format of a Lambda function for
 * proxy integration"): `statusCode`, `headers` and `multiValueHeaders` merged (where both name a
 * header, only the multi-value list appears), a base64 body decoded when `isBase64Encoded`, and the
 * headers that HTTP framing or API Gateway itself owns dropped or renamed `x-amzn-Remapped-<name>`.
 * Anything else is "Malformed Lambda proxy response" and a 502.
 */
import { fromBase64 } from './proxy-event.js';
import type { HeaderList } from './types.js';

export type ProxyResult =
  | { ok: true; status: number; headers: HeaderList; body: Uint8Array | string }
  | { ok: false; reason: string };

const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/**
 * Response headers of a Lambda proxy integration that API Gateway drops or renames (AWS docs: "Amazon
 * API Gateway important notes", REST APIs, the table of headers "dropped, remapped, or otherwise
 * modified", Response column, `lambda`): Remapped and Remapped Overwritten become
 * `x-amzn-Remapped-<name>`, and for Date (and Server) API Gateway's own value goes out instead.
 *
 * Content-Length: the table says Passthrough, which cannot describe the bytes on the wire: API Gateway
 * frames the response itself, whatever length the function claims. Observed answers carry the
 * integration's value as x-amzn-Remapped-Content-Length beside API Gateway's own Content-Length
 * (aws/aws-sdk-java#1854: "Api gateway overwrite the content-length field, and add
 * x-amzn-Remapped-Content-Length"), and that is what crossgate does: a wrong length never reaches the
 * socket, and the value stays visible. Connection-specific headers the table does not name
 * (Keep-Alive, Proxy-Connection) are dropped by the HTTP server, which owns the connection.
 */
const RESPONSE_HEADER_RULES: ReadonlyMap<string, 'drop' | 'remap'> = new Map([
  ['authorization', 'remap'],
  ['connection', 'remap'],
  ['content-length', 'remap'],
  ['content-md5', 'remap'],
  ['date', 'remap'],
  ['expect', 'drop'],
  ['host', 'drop'],
  ['max-forwards', 'remap'],
  ['proxy-authenticate', 'drop'],
  ['server', 'remap'],
  ['te', 'drop'],
  ['trailer', 'drop'],
  ['transfer-encoding', 'drop'],
  ['upgrade', 'drop'],
  ['user-agent', 'remap'],
  ['via', 'drop'],
  ['www-authenticate', 'remap'],
]);

/** What API Gateway does with a header the function returned: keep it, drop it, or rename it. */
export function responseHeaderRule(name: string): 'keep' | 'drop' | 'remap' {
  return RESPONSE_HEADER_RULES.get(name.toLowerCase()) ?? 'keep';
}

/**
 * The status codes a proxy result may carry. AWS documents no range: it documents that a result in the
 * wrong format is a 502 (Lambda docs: "Handling Lambda errors with an API Gateway API"), and API
 * Gateway's own reason for one such 502 reads "Invalid status code" (integrationError quoted in
 * middyjs/middy#1005). A 1xx is not a final answer (RFC 9110 §15.2) and a code past 599 is not HTTP:
 * either would leave the client without a response, so both are malformed.
 */
export const MIN_STATUS = 200;
export const MAX_STATUS = 599;

function headerString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function readProxyResult(value: unknown): ProxyResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, reason: `the function returned ${describe(value)}, not an object with statusCode` };
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!ALLOWED_KEYS.has(key)) return { ok: false, reason: `unexpected property '${key}' in the result` };
  const status =
    typeof r.statusCode === 'string' && /^\d+$/.test(r.statusCode) ? Number(r.statusCode) : r.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < MIN_STATUS || status > MAX_STATUS)
    return {
      ok: false,
      reason: `statusCode is ${describe(r.statusCode)}; it must be an integer from ${MIN_STATUS} to ${MAX_STATUS}`,
    };
  const headers: HeaderList = [];
  const multi = r.multiValueHeaders;
  const multiNames = new Set<string>();
  if (multi !== undefined && multi !== null) {
    if (typeof multi !== 'object' || Array.isArray(multi))
      return { ok: false, reason: 'multiValueHeaders must be an object' };
    for (const [name, list] of Object.entries(multi)) {
      if (!Array.isArray(list))
        return { ok: false, reason: `multiValueHeaders.${name} must be a list of strings` };
      multiNames.add(name.toLowerCase());
      for (const v of list) {
        const s = headerString(v);
        if (s === undefined) return { ok: false, reason: `multiValueHeaders.${name} holds ${describe(v)}` };
        headers.push([name, s]);
      }
    }
  }
  const single = r.headers;
  if (single !== undefined && single !== null) {
    if (typeof single !== 'object' || Array.isArray(single))
      return { ok: false, reason: 'headers must be an object' };
    for (const [name, v] of Object.entries(single)) {
      const s = headerString(v);
      if (s === undefined) return { ok: false, reason: `headers.${name} is ${describe(v)}, not a string` };
      if (!multiNames.has(name.toLowerCase())) headers.push([name, s]);
    }
  }
  for (const [name, value] of headers) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name))
      return { ok: false, reason: `header name ${JSON.stringify(name)} is not a valid token` };
    if (/[\r\n\0]/.test(value)) return { ok: false, reason: `header ${name} holds a line break` };
  }
  const sent = remapHeaders(headers);
  const body = r.body;
  if (body !== undefined && body !== null && typeof body !== 'string')
    return { ok: false, reason: `body is ${describe(body)}; it must be a string (JSON.stringify it)` };
  let out: Uint8Array | string = body ?? '';
  if (r.isBase64Encoded === true && typeof body === 'string') {
    try {
      out = fromBase64(body);
    } catch {
      return { ok: false, reason: 'isBase64Encoded is true but the body is not base64' };
    }
  }
  return { ok: true, status, headers: sent, body: out };
}

function remapHeaders(headers: HeaderList): HeaderList {
  let out: HeaderList | undefined;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i];
    const rule = responseHeaderRule(name);
    if (rule === 'keep') {
      out?.push(headers[i]);
      continue;
    }
    out ??= headers.slice(0, i);
    if (rule === 'remap') out.push([`x-amzn-Remapped-${name}`, value]);
  }
  return out ?? headers;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}
