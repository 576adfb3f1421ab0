// The request side of CORS: which methods and headers are safelisted, which headers a page may not
// set, and the plan for one fetch() call — simple or preflight, and the requests the browser sends.
// Sources: Fetch standard §2.2.1 (methods), §2.2.2 (headers), §4.1 (main fetch), §4.8 (CORS-preflight
// fetch), §5.4 (Request constructor); Chromium's services/network/public/cpp/cors/cors.cc.

import { CHROMIUM_ONLY_SAFELISTED } from './engines.js';
import type {
  CredentialsMode,
  FetchCall,
  FetchPlan,
  HeaderFate,
  HeaderList,
  PreflightReason,
  RequestMode,
  WireRequest,
} from './types.js';
import { parseUrl, serializeOrigin } from './url.js';

/** Fetch §2.2.1: the methods `fetch()` upper-cases; every other method is sent exactly as written. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
/** Fetch §2.2.1 CORS-safelisted method. Compared case-sensitively after normalisation. */
const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);
/** Fetch §2.2.1 forbidden method (compared case-insensitively). */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Fetch §2.2.2 forbidden request-header names (plus the `proxy-` / `sec-` prefixes, below). */
const FORBIDDEN_HEADERS = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);
/** Fetch §2.2.2: forbidden only when a value names a forbidden method. */
const METHOD_OVERRIDE_HEADERS = new Set(['x-http-method', 'x-http-method-override', 'x-method-override']);

/** Fetch §2.2.2 no-CORS-safelisted request-header names. */
const NO_CORS_SAFELISTED = new Set(['accept', 'accept-language', 'content-language', 'content-type']);

/** Fetch §2.2.2 CORS-safelisted request-header: the three `Content-Type` essences. */
const SAFELISTED_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/**
 * Chromium also safelists these client-hint headers (services/network/public/cpp/cors/cors.cc,
 * IsCorsSafelistedHeader), when their value is well-formed. The Fetch standard does not, and Firefox 153
 * and WebKitGTK 2.50 preflight them (test/browser/engines.test.ts); planFetch(…, false) plans as they do.
 */
const CLIENT_HINT_NUMBERS = new Set(['device-memory', 'dpr', 'width', 'viewport-width', 'rtt', 'downlink']);
const ECT_VALUES = new Set(['slow-2g', '2g', '3g', '4g']);

/** The byte limits of Fetch §2.2.2. */
export const SAFELISTED_VALUE_MAX_BYTES = 128;
export const SAFELISTED_TOTAL_MAX_BYTES = 1024;

const TOKEN_CHARS = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TOKEN_CHARS[c.charCodeAt(0)] = 1;

/** RFC 9110 token: one or more tchar. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

/** Fetch §2.2.2 CORS-unsafe request-header byte. */
export function isCorsUnsafeByte(c: number): boolean {
  return (
    (c < 0x20 && c !== 0x09) ||
    c === 0x22 ||
    c === 0x28 ||
    c === 0x29 ||
    c === 0x3a ||
    c === 0x3c ||
    c === 0x3e ||
    c === 0x3f ||
    c === 0x40 ||
    c === 0x5b ||
    c === 0x5c ||
    c === 0x5d ||
    c === 0x7b ||
    c === 0x7d ||
    c === 0x7f
  );
}

function firstUnsafeByte(value: string): number {
  for (let i = 0; i < value.length; i++) if (isCorsUnsafeByte(value.charCodeAt(i))) return i;
  return -1;
}

/** Byte length of a header value as sent (UTF-8; counted by hand to stay free of Node APIs). */
export function byteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** ASCII lower-case without allocating when already lower-case. */
export function lowerAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.toLowerCase();
  }
  return s;
}

function isHttpWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Fetch §2.2 normalize a header value: strip leading and trailing HTTP whitespace. */
export function normalizeHeaderValue(v: string): string {
  let a = 0;
  let b = v.length;
  while (a < b && isHttpWhitespace(v.charCodeAt(a))) a++;
  while (b > a && isHttpWhitespace(v.charCodeAt(b - 1))) b--;
  return a === 0 && b === v.length ? v : v.slice(a, b);
}

interface MethodInfo {
  token: boolean;
  forbidden: boolean;
  normalized: string;
  upper: string;
}
const methodCache = new Map<string, MethodInfo>();
function methodInfo(method: string): MethodInfo {
  let m = methodCache.get(method);
  if (m === undefined) {
    const upper = method.toUpperCase();
    m = {
      token: isToken(method),
      forbidden: FORBIDDEN_METHODS.has(upper),
      normalized: NORMALIZED_METHODS.has(upper) ? upper : method,
      upper,
    };
    if (methodCache.size > 1024) methodCache.clear();
    methodCache.set(method, m);
  }
  return m;
}

/** Fetch §2.2.1: upper-cases DELETE GET HEAD OPTIONS POST PUT (any case); leaves every other method alone. */
export function normalizeMethod(method: string): string {
  return methodInfo(method).normalized;
}

export function isSafelistedMethod(method: string): boolean {
  return SAFELISTED_METHODS.has(method);
}

/** Fetch §2.2.2 forbidden request-header (Chromium: net::HttpUtil::IsSafeHeader, cors::IsForbiddenRequestHeader). */
export function isForbiddenRequestHeader(lowerName: string, value: string): boolean {
  if (FORBIDDEN_HEADERS.has(lowerName)) return true;
  if (lowerName.startsWith('proxy-') || lowerName.startsWith('sec-')) return true;
  if (METHOD_OVERRIDE_HEADERS.has(lowerName)) {
    for (const part of value.split(',')) {
      if (FORBIDDEN_METHODS.has(normalizeHeaderValue(part).toUpperCase())) return true;
    }
  }
  return false;
}

function isDecimalNumber(v: string): boolean {
  // base::StringToDouble accepts a plain decimal, optionally signed, with optional fraction and exponent.
  let i = 0;
  const n = v.length;
  if (i < n && (v[i] === '+' || v[i] === '-')) i++;
  let digits = 0;
  while (i < n && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) {
    i++;
    digits++;
  }
  if (i < n && v[i] === '.') {
    i++;
    while (i < n && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i < n && (v[i] === 'e' || v[i] === 'E')) {
    i++;
    if (i < n && (v[i] === '+' || v[i] === '-')) i++;
    const start = i;
    while (i < n && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) i++;
    if (i === start) return false;
  }
  return i === n;
}

/** Fetch §2.2.2 simple range header value: `bytes=<start>-[<end>]`, one range, start ≤ end. */
export function isSimpleRangeValue(v: string): boolean {
  if (!v.startsWith('bytes=')) return false;
  const dash = v.indexOf('-', 6);
  if (dash <= 6) return false;
  const start = v.slice(6, dash);
  const end = v.slice(dash + 1);
  for (const part of [start, end])
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (c < 0x30 || c > 0x39) return false;
    }
  return end === '' || Number(start) <= Number(end);
}

/** `Content-Type` essence check of Fetch §2.2.2 (Chromium: IsCorsSafelistedLowerCaseContentType). */
export function isSafelistedContentType(value: string): boolean {
  const lower = lowerAscii(value);
  if (firstUnsafeByte(lower) !== -1) return false;
  const semi = lower.indexOf(';');
  const essence = normalizeHeaderValue(semi === -1 ? lower : lower.slice(0, semi));
  const slash = essence.indexOf('/');
  if (slash === -1 || !isToken(essence.slice(0, slash)) || !isToken(essence.slice(slash + 1))) return false;
  return SAFELISTED_CONTENT_TYPES.has(essence);
}

/**
 * Why a single header (name lower-case, value normalised) is not CORS-safelisted on its own, or
 * `undefined` when it is. The 1,024-byte total is judged across headers by {@link classifyHeaders}.
 */
export function unsafeHeaderReason(name: string, value: string): PreflightReason | undefined {
  let byValue = reasonCache.get(name);
  if (byValue === undefined) {
    if (reasonCache.size > 1024) reasonCache.clear();
    byValue = new Map();
    reasonCache.set(name, byValue);
  }
  const hit = byValue.get(value);
  if (hit !== undefined) return hit === null ? undefined : hit;
  const r = computeUnsafeHeaderReason(name, value);
  if (byValue.size > 256) byValue.clear();
  byValue.set(value, r ?? null);
  return r;
}

// Reasons are immutable values, so a verdict may share them.
const reasonCache = new Map<string, Map<string, PreflightReason | null>>();

function computeUnsafeHeaderReason(name: string, value: string): PreflightReason | undefined {
  switch (name) {
    case 'accept':
    case 'accept-language':
    case 'content-language':
    case 'content-type':
    case 'range':
    case 'save-data':
    case 'ect':
      break;
    default:
      if (!CLIENT_HINT_NUMBERS.has(name))
        return {
          kind: 'header',
          name,
          detail: `\`${name}\` is not a CORS-safelisted request header, so the browser asks the server first.`,
        };
  }
  if (byteLength(value) > SAFELISTED_VALUE_MAX_BYTES)
    return {
      kind: 'header-value-too-long',
      name,
      detail: `The value of \`${name}\` is ${byteLength(value)} bytes; a safelisted header's value may have at most ${SAFELISTED_VALUE_MAX_BYTES}.`,
    };
  const unsafeAt = (v: string): PreflightReason | undefined => {
    const at = firstUnsafeByte(v);
    if (at === -1) return undefined;
    return {
      kind: 'header-value-unsafe-byte',
      name,
      detail: `The value of \`${name}\` contains the byte 0x${v.charCodeAt(at).toString(16).padStart(2, '0')}, which no safelisted header may carry.`,
    };
  };
  switch (name) {
    case 'accept':
      return unsafeAt(value);
    case 'accept-language':
    case 'content-language':
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        const ok =
          (c >= 0x30 && c <= 0x39) ||
          (c >= 0x41 && c <= 0x5a) ||
          (c >= 0x61 && c <= 0x7a) ||
          c === 0x20 ||
          c === 0x2a ||
          c === 0x2c ||
          c === 0x2d ||
          c === 0x2e ||
          c === 0x3b ||
          c === 0x3d;
        if (!ok)
          return {
            kind: 'header-value-unsafe-byte',
            name,
            detail: `The value of \`${name}\` contains '${value[i]}'; only letters, digits, space and * , - . ; = keep it safelisted.`,
          };
      }
      return undefined;
    case 'content-type':
      if (isSafelistedContentType(value)) return undefined;
      return (
        unsafeAt(value) ?? {
          kind: 'content-type',
          name: 'content-type',
          value,
          detail: `Content-Type \`${value}\` is not application/x-www-form-urlencoded, multipart/form-data or text/plain, so the browser asks the server first.`,
        }
      );
    case 'range':
      return isSimpleRangeValue(value)
        ? undefined
        : {
            kind: 'header',
            name,
            detail: `\`range: ${value}\` is not a single \`bytes=start-[end]\` range.`,
          };
    case 'save-data':
      return lowerAscii(value) === 'on'
        ? undefined
        : { kind: 'header', name, detail: `Chromium safelists \`save-data\` only with the value \`on\`.` };
    case 'ect':
      return ECT_VALUES.has(value)
        ? undefined
        : { kind: 'header', name, detail: `Chromium safelists \`ect\` only as slow-2g, 2g, 3g or 4g.` };
    default:
      return isDecimalNumber(value)
        ? undefined
        : { kind: 'header', name, detail: `Chromium safelists \`${name}\` only when its value is a number.` };
  }
}

function standardHintReason(name: string): PreflightReason {
  return {
    kind: 'header',
    name,
    detail: `\`${name}\` is a client hint: Chromium safelists it, but the Fetch standard, Firefox and WebKit do not, so they ask the server first.`,
  };
}

/** Fetch §5.2 extract a body: the `Content-Type` a body implies when the page sets none. */
export function bodyContentType(body: FetchCall['body']): string | undefined {
  if (!body || body.type === 'none') return undefined;
  if (body.contentType !== undefined)
    return body.type === 'blob' ? lowerAscii(body.contentType) : body.contentType;
  switch (body.type) {
    case 'text':
    case 'json':
      return 'text/plain;charset=UTF-8';
    case 'urlencoded':
      return 'application/x-www-form-urlencoded;charset=UTF-8';
    case 'form-data':
      return 'multipart/form-data; boundary=----WebKitFormBoundaryCrossgate0000';
    default:
      return undefined;
  }
}

function headerEntries(headers: FetchCall['headers']): HeaderFate[] {
  const out: HeaderFate[] = [];
  if (!headers) return out;
  const list = Array.isArray(headers) ? headers : Object.entries(headers);
  for (let i = 0; i < list.length; i++) {
    const name = lowerAscii(list[i][0]);
    const value = normalizeHeaderValue(String(list[i][1]));
    // Headers.append combines repeated names into one value joined by ", " (Fetch §2.2 "get").
    let merged = false;
    for (let j = 0; j < out.length; j++)
      if (out[j].name === name) {
        out[j].value = `${out[j].value}, ${value}`;
        merged = true;
        break;
      }
    if (!merged) out.push({ name, value, fate: 'safelisted' });
  }
  return out;
}

const EXC = "TypeError: Failed to execute 'fetch' on 'Window': ";

type PlanBase = Pick<
  FetchPlan,
  'pageOrigin' | 'url' | 'urlOrigin' | 'method' | 'mode' | 'credentialsMode' | 'headers'
>;

// One object shape for every plan: spreading into a literal makes V8 build slow dictionary objects.
function makePlan(
  b: PlanBase,
  kind: FetchPlan['kind'],
  reasons: PreflightReason[],
  unsafeHeaderNames: string[],
  preflight: WireRequest | undefined,
  actual: WireRequest | undefined,
  requestError?: FetchPlan['requestError'],
): FetchPlan {
  return {
    pageOrigin: b.pageOrigin,
    url: b.url,
    urlOrigin: b.urlOrigin,
    method: b.method,
    mode: b.mode,
    credentialsMode: b.credentialsMode,
    kind,
    needsPreflight: kind === 'preflight',
    reasons,
    headers: b.headers,
    unsafeHeaderNames,
    preflight,
    actual,
    requestError,
  };
}

function rejected(
  base: PlanBase,
  code: NonNullable<FetchPlan['requestError']>['code'],
  exception: string,
  consoleMessage?: string,
): FetchPlan {
  return makePlan(
    base,
    'rejected',
    [],
    [],
    undefined,
    undefined,
    consoleMessage === undefined ? { code, exception } : { code, exception, consoleMessage },
  );
}

/**
 * Plans one `fetch()` call from a page on `pageOrigin`: whether the browser sends it at all, whether it
 * is simple or needs a preflight and why, what happens to each header, and the requests on the wire.
 * `clientHints: false` plans it as Firefox and WebKit do (and the Fetch standard): client hints are
 * not safelisted.
 */
export function planFetch(pageOrigin: string, call: FetchCall, clientHints = true): FetchPlan {
  const origin = serializeOrigin(pageOrigin);
  const mode: RequestMode = call.mode ?? 'cors';
  const credentialsMode: CredentialsMode = call.credentials ?? 'same-origin';
  const rawMethod = call.method ?? 'GET';
  const parsed = parseUrl(call.url, origin === 'null' ? undefined : origin);
  const headers = headerEntries(call.headers);
  const base: PlanBase = {
    pageOrigin: origin,
    url: parsed ? parsed.href : call.url,
    urlOrigin: parsed ? parsed.origin : 'null',
    method: rawMethod,
    mode,
    credentialsMode,
    headers,
  };
  // Fetch §5.4 Request constructor, in its order: URL, method, no-cors method, body.
  // Chromium 156 ends this one without a full stop (measured: "URL with port 99999").
  if (!parsed) return rejected(base, 'InvalidUrl', `${EXC}Failed to parse URL from ${call.url}`);
  const info = methodInfo(rawMethod);
  if (!info.token) return rejected(base, 'InvalidMethod', `${EXC}'${rawMethod}' is not a valid HTTP method.`);
  if (info.forbidden)
    return rejected(base, 'ForbiddenMethod', `${EXC}'${rawMethod}' HTTP method is unsupported.`);
  const method = info.normalized;
  base.method = method;
  if (mode === 'no-cors' && !SAFELISTED_METHODS.has(method))
    return rejected(base, 'MethodUnsupportedInNoCors', `${EXC}'${method}' is unsupported in no-cors mode.`);
  const hasBody = call.body !== undefined && call.body.type !== 'none';
  if (hasBody && (method === 'GET' || method === 'HEAD'))
    return rejected(base, 'BodyWithGetOrHead', `${EXC}Request with GET/HEAD method cannot have body.`);

  const implied = bodyContentType(call.body);
  if (implied !== undefined && !headers.some((h) => h.name === 'content-type'))
    headers.push({ name: 'content-type', value: implied, fate: 'safelisted' });

  const sameOrigin = parsed.origin === origin && origin !== 'null';
  if (!sameOrigin && mode === 'same-origin') {
    // Chromium prints this from Blink's FetchManager before any request is made.
    return rejected(
      base,
      'DisallowedByMode',
      'TypeError: Failed to fetch',
      `Fetch API cannot load ${parsed.href}. Request mode is "same-origin" but the URL's origin is not same as the request origin ${origin}.`,
    );
  }

  // Fetch §2.2.2: forbidden headers are silently ignored by Headers; no-cors keeps only no-CORS-safelisted ones.
  const reasons: PreflightReason[] = [];
  const unsafe: string[] = [];
  const safelisted: HeaderFate[] = [];
  let safelistedBytes = 0;
  for (const h of headers) {
    if (isForbiddenRequestHeader(h.name, h.value)) {
      h.fate = 'forbidden';
      continue;
    }
    const why =
      !clientHints && CHROMIUM_ONLY_SAFELISTED.has(h.name)
        ? standardHintReason(h.name)
        : unsafeHeaderReason(h.name, h.value);
    if (mode === 'no-cors') {
      h.fate = NO_CORS_SAFELISTED.has(h.name) && why === undefined ? 'safelisted' : 'dropped-no-cors';
      continue;
    }
    if (why) {
      h.fate = 'unsafe';
      reasons.push(why);
      unsafe.push(h.name);
    } else {
      h.fate = 'safelisted';
      safelisted.push(h);
      safelistedBytes += byteLength(h.value);
    }
  }
  if (safelistedBytes > SAFELISTED_TOTAL_MAX_BYTES) {
    const names = safelisted.map((h) => h.name);
    for (const h of safelisted) {
      h.fate = 'unsafe';
      unsafe.push(h.name);
    }
    reasons.push({
      kind: 'safelisted-total-over-1024',
      names,
      detail: `The safelisted headers' values total ${safelistedBytes} bytes, over the ${SAFELISTED_TOTAL_MAX_BYTES}-byte limit, so all of them count as unsafe.`,
    });
  }

  const sendsCredentials = credentialsMode === 'include' || (credentialsMode === 'same-origin' && sameOrigin);
  const actualHeaders: HeaderList = [];
  let hasAccept = false;
  for (const h of headers)
    if (h.name === 'accept' && h.fate !== 'forbidden' && h.fate !== 'dropped-no-cors') hasAccept = true;
  if (!hasAccept) actualHeaders.push(['accept', '*/*']);
  for (const h of headers) {
    if (h.fate === 'forbidden' || h.fate === 'dropped-no-cors') continue;
    actualHeaders.push([h.name, h.value]);
  }
  // Fetch §3.1 `Origin` header: sent on every CORS request, and on no-cors / same-origin ones unless GET or HEAD.
  if (
    !sameOrigin
      ? mode === 'cors' || (method !== 'GET' && method !== 'HEAD')
      : method !== 'GET' && method !== 'HEAD'
  )
    actualHeaders.push(['origin', origin]);
  const actual: WireRequest = {
    method,
    url: parsed.href,
    headers: actualHeaders,
    credentials: sendsCredentials,
  };

  if (sameOrigin || mode === 'no-cors')
    return makePlan(base, sameOrigin ? 'same-origin' : 'no-cors', [], [], undefined, actual);

  if (!SAFELISTED_METHODS.has(method)) {
    const lowerStd = NORMALIZED_METHODS.has(info.upper) || info.upper === 'PATCH';
    reasons.unshift({
      kind: 'method',
      method,
      detail:
        method !== info.upper && lowerStd
          ? `\`${method}\` is not upper-cased by the browser (only DELETE, GET, HEAD, OPTIONS, POST and PUT are), so it is sent as \`${method}\`, needs a preflight, and matches only \`${method}\` in Access-Control-Allow-Methods, not \`${method.toUpperCase()}\`.`
          : `${method} is not GET, HEAD or POST, so the browser asks the server first.`,
    });
  }
  const unsafeHeaderNames = unsafe.length > 1 ? [...new Set(unsafe)].sort() : unsafe;
  const needsPreflight = reasons.length > 0;
  let preflight: WireRequest | undefined;
  if (needsPreflight) {
    // Fetch §4.8 CORS-preflight fetch, steps 1–4: no credentials, none of the page's headers.
    const ph: HeaderList = [
      ['accept', '*/*'],
      ['access-control-request-method', method],
    ];
    if (unsafeHeaderNames.length > 0)
      ph.push(['access-control-request-headers', unsafeHeaderNames.join(',')]);
    ph.push(['origin', origin]);
    preflight = { method: 'OPTIONS', url: parsed.href, headers: ph, credentials: false };
  }
  return makePlan(
    base,
    needsPreflight ? 'preflight' : 'simple',
    reasons,
    unsafeHeaderNames,
    preflight,
    actual,
  );
}
