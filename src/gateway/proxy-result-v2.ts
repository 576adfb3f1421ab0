/**
 * What API Gateway (HTTP APIs) and Lambda (Function URLs) make of a function's answer in payload
 * format 2.0 (AWS docs: "Working with AWS Lambda proxy integrations for HTTP APIs", Lambda function
 * response for format 2.0; Lambda docs "Invoking Lambda function URLs", Response payload format):
 * an object with `statusCode` is a response (`headers`, `cookies` → one Set-Cookie each, `body`,
 * `isBase64Encoded`); any other JSON value is inferred to be the body of a 200 application/json
 * response. The two documents disagree on a string: API Gateway's table sends `Hello from Lambda!`
 * as the body, the Function URL's sends it JSON-encoded (`"Hello, world!"`, content-length 15):
 * each is modelled as its own document says. What either does with framing headers a function returns
 * (content-length, transfer-encoding) is not documented for 2.0: they are kept here, and the server
 * frames every answer itself (src/serve/server.ts), so none reaches the socket.
 */
import { fromBase64 } from './proxy-event.js';
import { MAX_STATUS, MIN_STATUS, type ProxyResult } from './proxy-result.js';
import type { HeaderList } from './types.js';

export interface ResultV2Options {
  /** How a bare string answer becomes the body: as it is (HTTP APIs) or JSON-encoded (Function URLs). */
  stringBody: 'raw' | 'json';
}

export function readProxyResultV2(value: unknown, o: ResultV2Options): ProxyResult {
  if (value === null || value === undefined)
    // A handler that returns nothing: Lambda's result is `null`; the body is empty (SAM CLI reads it so).
    return { ok: true, status: 200, headers: [['content-type', 'application/json']], body: '' };
  if (typeof value !== 'object' || Array.isArray(value) || !('statusCode' in value)) {
    const body = typeof value === 'string' && o.stringBody === 'raw' ? value : JSON.stringify(value);
    return { ok: true, status: 200, headers: [['content-type', 'application/json']], body };
  }
  const r = value as Record<string, unknown>;
  const status =
    typeof r.statusCode === 'string' && /^\d+$/.test(r.statusCode) ? Number(r.statusCode) : r.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < MIN_STATUS || status > MAX_STATUS)
    return {
      ok: false,
      reason: `statusCode is ${JSON.stringify(r.statusCode)}; it must be an integer from ${MIN_STATUS} to ${MAX_STATUS}`,
    };
  const headers: HeaderList = [];
  if (r.headers !== undefined && r.headers !== null) {
    if (typeof r.headers !== 'object' || Array.isArray(r.headers))
      return { ok: false, reason: 'headers must be an object' };
    for (const [name, v] of Object.entries(r.headers)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        return { ok: false, reason: `headers.${name} is ${v === null ? 'null' : typeof v}, not a string` };
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name))
        return { ok: false, reason: `header name ${JSON.stringify(name)} is not a valid token` };
      const s = String(v);
      if (/[\r\n\0]/.test(s)) return { ok: false, reason: `header ${name} holds a line break` };
      headers.push([name, s]);
    }
  }
  if (r.cookies !== undefined && r.cookies !== null) {
    if (!Array.isArray(r.cookies)) return { ok: false, reason: 'cookies must be a list of strings' };
    for (const c of r.cookies) {
      if (typeof c !== 'string' || /[\r\n\0]/.test(c))
        return { ok: false, reason: 'cookies must be a list of strings' };
      headers.push(['set-cookie', c]);
    }
  }
  if (!headers.some(([n]) => n.toLowerCase() === 'content-type'))
    headers.push(['content-type', 'application/json']);
  // A body that is not a string is sent as JSON (the documents show only strings).
  const raw = r.body;
  const text = raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
  let body: Uint8Array | string = text;
  if (r.isBase64Encoded === true && text !== '') {
    try {
      body = fromBase64(text);
    } catch {
      return { ok: false, reason: 'isBase64Encoded is true but the body is not base64' };
    }
  }
  return { ok: true, status, headers, body };
}
