/**
 * What API Gateway does with a Lambda proxy result (AWS docs: "Output format of a Lambda function for
 * proxy integration"): `statusCode`, `headers` and `multiValueHeaders` merged (where both name a
 * header, only the multi-value list appears), a base64 body decoded when `isBase64Encoded`. Anything
 * else is "Malformed Lambda proxy response" and a 502.
 */
import { fromBase64 } from './proxy-event.js';
import type { HeaderList } from './types.js';

export type ProxyResult =
  | { ok: true; status: number; headers: HeaderList; body: Uint8Array | string }
  | { ok: false; reason: string };

const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

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
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599)
    return {
      ok: false,
      reason: `statusCode is ${describe(r.statusCode)}; it must be an integer from 100 to 599`,
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
  return { ok: true, status, headers, body: out };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}
