// The CORS policy: validated and compiled once, at module load (cold start), so that answering a
// request is one RegExp test and a copy of a prebuilt header object. Runs inside users' Lambda
// bundles, where every byte is paid for: no imports, nothing Node-only (URL is a global everywhere).

/** What a policy allows. Build it once with {@link corsPolicy}, at module top level. */
export interface CorsOptions {
  /**
   * Who may call: exact origins (`https://app.example.com`, `http://localhost:3000`), subdomain
   * patterns (`https://*.example.com`: one or more labels before `.example.com`, same scheme and
   * port), or `'*'` alone (every origin, answered with `Access-Control-Allow-Origin: *`).
   */
  origins: '*' | readonly string[];
  /** Send `Access-Control-Allow-Credentials: true` (cookies, `Authorization` sent by the browser). */
  credentials?: boolean;
  /**
   * Methods a preflight may ask for besides GET, HEAD and POST, which browsers never need allowed
   * (CORS-safelisted methods). Case-sensitive, as in browsers (`PATCH` ≠ `patch`). Default: none.
   */
  allowMethods?: readonly string[];
  /** Request headers a preflight may ask for (`content-type`, `x-api-key`…). Default: none. */
  allowHeaders?: readonly string[];
  /** Response headers page scripts may read beyond the CORS-safelisted ones. Default: none. */
  exposeHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight (Chromium caps it at 7200 and WebKit at 600, measured; Firefox at 86400, by its source). */
  maxAge?: number;
}

/** A compiled policy: what {@link corsPolicy} returns. */
export interface CorsPolicy {
  /**
   * The CORS response headers for a request from `origin` (the raw `Origin` header value, or
   * undefined), for a preflight or for any other request: a fresh object the caller may change.
   */
  headers(origin: string | undefined, preflight: boolean): Record<string, string>;
}

const AC = 'Access-Control-';
const ALLOW_ORIGIN = AC + 'Allow-Origin';

/** Throws the error a policy that cannot work gets at cold start. */
const fail = (option: string, value: unknown, problem: string): never => {
  throw Error(`crossgate: ${option}: "${value}" is not ${problem}`);
};

/**
 * Validates and compiles a CORS policy, once, at module load. Throws an Error naming the option and
 * the value when the policy cannot work: `'*'` with credentials or with other origins; an origin that
 * is not what a browser sends in `Origin` (a path or trailing slash, upper case, a default port, an
 * IDN not in punycode, `null`); a pattern other than `scheme://*.domain[:port]`; a method or header
 * name that is not an RFC 9110 token, or `*` in those lists with credentials (a literal there).
 * A pattern on a single label (`https://*.com`: every site under a public suffix) too. A `maxAge`
 * that is not a number ≥ 0 is left out.
 */
export function corsPolicy(options: CorsOptions): CorsPolicy {
  const { origins = [], credentials, maxAge } = options;
  const any = origins[0] === '*'; // the string '*' too
  // An empty list is a policy too: no origin is granted.
  if (any && (credentials || origins[1])) fail('origins', '*', 'valid with credentials or others');

  // Every allowed origin as one anchored alternation: exact origins quoted, each pattern's `*.` as
  // one or more labels of what a browser sends (the WHATWG host parser lower-cases): never `/`,
  // `:`, `@`, a comma or a control character, so `https://example.com.evil.com` cannot match.
  let source = '(?!)'; // matches nothing, not even ''
  for (const origin of any ? [] : origins) {
    const probe = origin.replace('://*.', '://--.'); // a pattern is checked as the origin it names
    let canonical: unknown;
    try {
      canonical = new URL(probe).origin;
    } catch {}
    // What a browser sends in `Origin` is its own WHATWG serialisation: lower case, no default port,
    // no path, no trailing slash. Hosts are limited to DNS names and IP literals (no `,`, `*`, `$`…).
    // `https://*.com` (probed as `--.com`) would grant every site under a public suffix.
    if (canonical !== probe || /[^\w.:/[\]-]|--\.[^.]+$/.test(probe)) fail('origins', origin, 'an origin');
    source += '|' + origin.replace(/[^\w:/-]/g, '\\$&').replace('\\*\\.', '([a-z\\d_-]+\\.)+');
  }
  const allowed = RegExp(`^(?:${source})$`);

  // Prebuilt header sets, Access-Control-Allow-Origin included: a request clones one and at most
  // overwrites that value (V8 clones `{ ...o }` fast, but adding a key to the clone is slow).
  const actual: Record<string, string> = { [ALLOW_ORIGIN]: '*' };
  if (!any) actual.Vary = 'Origin';
  if (credentials) actual[AC + 'Allow-Credentials'] = 'true';
  const preflight = { ...actual };
  if (maxAge! >= 0) preflight[AC + 'Max-Age'] = '' + maxAge; // a negative or NaN maxAge is ignored

  /** Checks header names or methods (RFC 9110 tokens), and sets them as one header, if any. */
  const list = (option: 'allowMethods' | 'allowHeaders' | 'exposeHeaders', headers: object, name: string) => {
    // Fetch standard, CORS protocol: with credentials, `*` is a literal name, not a wildcard.
    const items = options[option] ?? [];
    for (const item of items)
      if (!/^[!#$%&'*+.^_`|~\w-]+$/.test(item) || (item === '*' && credentials))
        fail(option, item, 'a token (nor * with credentials)');
    if (items[0]) (headers as Record<string, string>)[AC + name] = items.join();
  };
  list('allowMethods', preflight, 'Allow-Methods');
  list('allowHeaders', preflight, 'Allow-Headers');
  list('exposeHeaders', actual, 'Expose-Headers');

  return {
    headers: (origin, isPreflight) => {
      // No origin, or one longer than 2,048 characters: never granted.
      if (!any && !(allowed.test(origin!) && origin!.length < 2049))
        // The answer still depends on Origin: caches must know.
        return { Vary: 'Origin' };
      const headers = { ...(isPreflight ? preflight : actual) };
      if (!any) headers[ALLOW_ORIGIN] = origin!;
      return headers;
    },
  };
}

/** A policy from either a compiled policy or options. */
export const toPolicy = (p: CorsPolicy | CorsOptions): CorsPolicy => ('headers' in p ? p : corsPolicy(p));
