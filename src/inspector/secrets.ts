/**
 * What the inspector shows of a credential: enough to read the exchange (which header, which scheme,
 * which cookie, which of the keys), never the value itself. Applied to everything the server sends to
 * the page unless `serve --inspector-secrets` asks otherwise, so a page on another machine or a screen
 * share learns no key.
 */

export const MASK = '••••';

/** Headers that carry a credential (RFC 9110 §11.6, §11.7; RFC 6265; API Gateway's x-api-key). */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'cookie',
  'set-cookie',
  'x-amz-security-token',
]);

/** Keys of the Lambda proxy event that hold a credential outside the headers (requestContext.identity). */
const SECRET_FIELDS = new Set(['apikey']);

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** `••••` and, for a value long enough that four characters give nothing away, its last four. */
export function maskValue(value: string): string {
  return value.length >= 16 ? `${MASK}${value.slice(-4)}` : MASK;
}

/** A hint that tells keys apart (`…efgh`), for the try-it form. */
export function keyHint(value: string): string {
  return value.length >= 16 ? `…${value.slice(-4)}` : '…';
}

/** The value of a secret header as shown: the scheme of Authorization, cookie names, Set-Cookie attributes. */
export function maskHeader(name: string, value: string): string {
  switch (name.toLowerCase()) {
    case 'authorization':
    case 'proxy-authorization': {
      const scheme = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) +\S/.exec(value);
      return scheme ? `${scheme[1]} ${MASK}` : MASK;
    }
    case 'cookie':
      return value
        .split(';')
        .map((pair) => {
          const eq = pair.indexOf('=');
          return eq === -1 ? MASK : `${pair.slice(0, eq).trim()}=${MASK}`;
        })
        .join('; ');
    case 'set-cookie': {
      const semi = value.indexOf(';');
      const pair = semi === -1 ? value : value.slice(0, semi);
      const eq = pair.indexOf('=');
      const masked = eq === -1 ? MASK : `${pair.slice(0, eq).trim()}=${MASK}`;
      return semi === -1 ? masked : `${masked}${value.slice(semi)}`;
    }
    default:
      return maskValue(value);
  }
}

/**
 * A copy of a JSON value (a Lambda event, a proxy result) with the values of secret headers and
 * fields masked, wherever they sit: `headers`, `multiValueHeaders`, `requestContext.identity.apiKey`.
 */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (isSecretHeader(k)) out[k] = maskAny(k, v);
    else if (SECRET_FIELDS.has(k.toLowerCase())) out[k] = typeof v === 'string' ? maskValue(v) : v;
    else out[k] = maskDeep(v, depth + 1);
  }
  return out;
}

function maskAny(name: string, v: unknown): unknown {
  if (typeof v === 'string') return maskHeader(name, v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? maskHeader(name, x) : x));
  return v;
}
