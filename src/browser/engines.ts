// The three engines crossgate models, the versions whose behaviour the suites in test/browser/ verified,
// and the few behaviours where they differ from Chromium in ways the suites measured.

/** Fetch §4.8 and all three engines: without a usable Access-Control-Max-Age a preflight is cached 5 s. */
const DEFAULT_MAX_AGE = 5;

/** Chromium (Chrome, Edge), Firefox (Gecko) and WebKit (Safari's engine; verified in WebKitGTK). */
export type Engine = 'chromium' | 'firefox' | 'webkit';

export const ENGINES: readonly Engine[] = ['chromium', 'firefox', 'webkit'];

/** How the front ends name each engine. */
export const ENGINE_NAMES: Record<Engine, string> = {
  chromium: 'Chromium',
  firefox: 'Firefox',
  webkit: 'WebKit',
};

/**
 * The engine builds every behaviour of the model was checked against (test/browser/engines.test.ts):
 * Debian's chromium, firefox-esr and WebKitGTK (webkit2gtk-driver's MiniBrowser), which shares WebCore's
 * CORS code with Safari.
 */
export const VERIFIED_VERSIONS: Record<Engine, string> = {
  chromium: 'Chromium 156.0.8078.114',
  firefox: 'Firefox 153.8.0esr',
  webkit: 'WebKitGTK 2.50.6',
};

/** Parses a `--browser` value: `chromium`, `firefox`, `webkit`, `all`, or a comma-separated list. */
export function parseEngines(value: string): Engine[] | undefined {
  const out: Engine[] = [];
  for (const part of value.split(',')) {
    const p = part.trim().toLowerCase();
    if (p === 'all') {
      for (const e of ENGINES) if (!out.includes(e)) out.push(e);
    } else if (p === 'safari') {
      if (!out.includes('webkit')) out.push('webkit');
    } else if ((ENGINES as readonly string[]).includes(p)) {
      if (!out.includes(p as Engine)) out.push(p as Engine);
    } else return undefined;
  }
  return out.length > 0 ? ENGINES.filter((e) => out.includes(e)) : undefined;
}

/**
 * Request headers Chromium alone treats as CORS-safelisted (client hints, services/network/public/cpp/
 * cors/cors.cc IsCorsSafelistedHeader). Firefox 153 and WebKitGTK 2.50 preflight them, as the Fetch
 * standard (§2.2.2) says: measured by the scenarios "DPR 2", "Save-Data on, ECT 4g", "RTT 50" and "safelisted
 * values exactly 1,024 bytes in total".
 */
export const CHROMIUM_ONLY_SAFELISTED: ReadonlySet<string> = new Set([
  'device-memory',
  'dpr',
  'width',
  'viewport-width',
  'rtt',
  'downlink',
  'ect',
  'save-data',
]);

/**
 * Seconds each engine keeps a successful preflight in its cache for an `Access-Control-Max-Age` value.
 * What the suites measure (engines.test.ts, "preflight cache"): the 5 s default, that `0` and negative
 * values are not cached, that Firefox does not cache at all for a value that is not digits, and that
 * Chromium and WebKit read an optional sign (`+30` is 30 s) and fall back to 5 s for anything else
 * (`abc`, `30.5`). The caps: Chromium's 7,200 s and WebKit's 600 s are measured
 * too, with the engine's clock moved forward by libfaketime ("preflight cache caps"); Firefox does not
 * start under libfaketime, so its 86,400 s is its source constant (nsCORSListenerProxy.cpp
 * AddResultToCache), not measured.
 */
export const MAX_AGE_CAPS: Record<Engine, number> = { chromium: 7200, firefox: 86_400, webkit: 600 };

function allDigits(s: string, from: number): boolean {
  if (from >= s.length) return false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** An IPv4 or bracketed IPv6 literal host in a URL (`http://127.0.0.1:3000/…`, `http://[::1]/…`). */
function hasIpHost(url: string): boolean {
  const start = url.indexOf('//') + 2;
  if (url.charCodeAt(start) === 0x5b /* [ */) return true;
  let i = start;
  let dots = 0;
  for (; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2e) dots++;
    else if (c < 0x30 || c > 0x39) break;
  }
  return dots === 3 && (i === url.length || url[i] === ':' || url[i] === '/');
}

/**
 * Seconds `engine` caches a successful preflight to `url` whose Access-Control-Max-Age is `maxAge`.
 * For an IP-literal host Firefox 153 cannot be counted on to reuse one (0): measured, it sent the
 * preflight again for nearly every PUT pair to 127.0.0.1 within Max-Age (44 of 46 pairs in four
 * browsers), and now and then reused one, while to a host name it reused every one. What decides the
 * rare reuse is not known.
 */
export function enginePreflightCacheSeconds(
  engine: Engine,
  maxAge: string | undefined,
  url?: string,
): number {
  if (engine === 'firefox' && url !== undefined && hasIpHost(url)) return 0;
  if (maxAge === undefined || maxAge.length === 0) return DEFAULT_MAX_AGE;
  const cap = MAX_AGE_CAPS[engine];
  if (engine === 'firefox') {
    // nsCORSPreflightListener::AddResultToCache: anything but digits caches nothing.
    if (!allDigits(maxAge, 0)) return 0;
    return Math.min(Number(maxAge), cap);
  }
  // Chromium (base::StringToInt64) and WebKit (parseInteger<int64_t>) read an optional sign and digits
  // (measured: `+30` is still cached after 6 s in both); anything else falls back to the 5 s default, and a
  // negative value caches nothing.
  const sign = maxAge.charCodeAt(0);
  if (!allDigits(maxAge, sign === 0x2d || sign === 0x2b ? 1 : 0)) return DEFAULT_MAX_AGE;
  const n = Number(maxAge);
  return n <= 0 ? 0 : Math.min(n, cap);
}
