// URL and origin serialisation with a small cache: `check` judges millions of calls against a handful
// of URLs, and parsing a URL costs more than the rest of a verdict.

export interface ParsedUrl {
  /** Serialised as the browser prints it (WHATWG URL serialiser). */
  href: string;
  /** ASCII serialisation of the origin; `null` for opaque origins. */
  origin: string;
  /** Whether the URL carries a username or password. */
  hasCredentials: boolean;
}

const MAX_CACHE = 4096;
const urlCache = new Map<string, ParsedUrl | null>();
const originCache = new Map<string, string>();

/** Parses an absolute URL (optionally against `base`); `null` when it is not a valid URL. */
export function parseUrl(input: string, base?: string): ParsedUrl | null {
  // An absolute http(s) URL does not depend on the base: key it alone (no string building on the hot path).
  const key =
    base === undefined || input.startsWith('https://') || input.startsWith('http://')
      ? input
      : `${base}\n${input}`;
  const hit = urlCache.get(key);
  if (hit !== undefined) return hit;
  let parsed: ParsedUrl | null = null;
  try {
    const u = base === undefined ? new URL(input) : new URL(input, base);
    parsed = { href: u.href, origin: u.origin, hasCredentials: u.username !== '' || u.password !== '' };
  } catch {
    parsed = null;
  }
  if (urlCache.size >= MAX_CACHE) urlCache.clear();
  urlCache.set(key, parsed);
  return parsed;
}

/** Serialises a page origin given as an origin or any URL on it (`http://localhost:5173/app` → `http://localhost:5173`). */
export function serializeOrigin(origin: string): string {
  const hit = originCache.get(origin);
  if (hit !== undefined) return hit;
  let out = origin;
  if (origin !== 'null') {
    const u = parseUrl(origin);
    if (u) out = u.origin;
  }
  if (originCache.size >= MAX_CACHE) originCache.clear();
  originCache.set(origin, out);
  return out;
}
