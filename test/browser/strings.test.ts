// Every text the model gives an engine is (1) that engine's own: Firefox's from the string table in its
// omni.ja, WebKit's from its library; and (2) seen: printed for at least one scenario of the matrix that
// engines.test.ts runs in the real engines, where it must equal what the engine printed. Together they
// keep crossgate from quoting an engine's text that no engine was seen to print.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type CorsErrorCode,
  corsReason,
  type ErrorCode,
  type FetchVerdict,
  FIREFOX_TEXT,
  simulateFetch,
  WEBKIT_TEXT,
} from '../../src/browser/index.js';
import { FIREFOX_PATH } from './engines/firefox.js';
import { multiarchLib } from './engines/system.js';
import { scenarioUrl } from './harness.js';
import { SCENARIOS } from './scenarios.js';

const mustRun = process.env.CI === 'true';

/** Every error code: a new one fails the type check until it is listed here, and then this test until a scenario shows it. */
const ERROR_CODES: Record<ErrorCode, true> = {
  DisallowedByMode: true,
  WildcardOriginNotAllowed: true,
  MissingAllowOriginHeader: true,
  MultipleAllowOriginValues: true,
  InvalidAllowOriginValue: true,
  AllowOriginMismatch: true,
  InvalidAllowCredentials: true,
  PreflightInvalidStatus: true,
  PreflightDisallowedRedirect: true,
  PreflightWildcardOriginNotAllowed: true,
  PreflightMissingAllowOriginHeader: true,
  PreflightMultipleAllowOriginValues: true,
  PreflightInvalidAllowOriginValue: true,
  PreflightAllowOriginMismatch: true,
  PreflightInvalidAllowCredentials: true,
  InvalidAllowMethodsPreflightResponse: true,
  InvalidAllowHeadersPreflightResponse: true,
  MethodDisallowedByPreflightResponse: true,
  HeaderDisallowedByPreflightResponse: true,
  RedirectContainsCredentials: true,
  TooManyRedirects: true,
  InvalidMethod: true,
  ForbiddenMethod: true,
  MethodUnsupportedInNoCors: true,
  BodyWithGetOrHead: true,
  InvalidUrl: true,
};

const ENV = { page: 'http://127.0.0.1:40001', api: 'http://127.0.0.1:40002' };
const VERDICTS: FetchVerdict[] = SCENARIOS.map((s) => {
  const env = { ...ENV, base: `${ENV.api}/s/${s.id}` };
  return simulateFetch(ENV.page, { ...s.call, url: scenarioUrl(s, ENV) }, (req) => s.respond(req, env));
});

const SLOT = '\u0001';
type Template = string | ((...args: never[]) => string);
/** A template with every argument a slot; its fixed parts, in order. */
function parts(t: Template): string[] {
  const text = typeof t === 'string' ? t : (t as (...a: string[]) => string)(SLOT, SLOT);
  return text.split(SLOT);
}
function matcher(t: Template): RegExp {
  return new RegExp(
    `^${parts(t)
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+?')}$`,
  );
}

describe('every text the model gives an engine is printed for a scenario the engines run', () => {
  it('every error code is some scenario’s verdict (so its texts in all three engines are compared)', () => {
    const seen = new Set(VERDICTS.map((v) => v.errorCode));
    const missing = Object.keys(ERROR_CODES).filter((c) => !seen.has(c as ErrorCode));
    expect(missing).toEqual([]);
  });
  for (const [engine, table] of [
    ['firefox', FIREFOX_TEXT],
    ['webkit', WEBKIT_TEXT],
  ] as const)
    it(`every ${engine} text template is printed for some scenario`, () => {
      const lines = VERDICTS.flatMap((v) => [
        ...v.engines[engine].consoleMessages,
        ...v.engines[engine].consoleWarnings,
      ]);
      const unseen = Object.entries(table as Record<string, Template>)
        .filter(([, t]) => !lines.some((l) => matcher(t).test(l)))
        .map(([k]) => k);
      expect(unseen).toEqual([]);
    });
  it('no engine outcome is left without its texts (`unverified`)', () => {
    const open = VERDICTS.flatMap((v) =>
      (['chromium', 'firefox', 'webkit'] as const).filter((e) => v.engines[e].unverified !== undefined),
    );
    expect(open).toEqual([]);
  });
});

/** One file of a zip archive (omni.ja is one), or undefined. */
function readZipEntry(zip: Buffer, name: string): string | undefined {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return undefined;
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count && zip.readUInt32LE(at) === 0x02014b50; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const skip = nameLen + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLen) === name) {
      const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(data, data + size);
      return (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    }
    at += 46 + skip;
  }
  return undefined;
}

function properties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_.]+)\s*=\s*(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

const OMNI = path.join(path.dirname(path.resolve(FIREFOX_PATH)), '..', 'lib', 'firefox-esr', 'omni.ja');
const omniPath = [process.env.FIREFOX_OMNI_JA, OMNI, '/usr/lib/firefox-esr/omni.ja'].find(
  (p): p is string => p !== undefined && existsSync(p),
);
describe.runIf(omniPath === undefined && mustRun)("Firefox's string table (CI)", () => {
  it('needs firefox-esr’s omni.ja under CI=true', () => {
    expect.fail(`omni.ja not found beside ${FIREFOX_PATH}`);
  });
});
describe.runIf(omniPath !== undefined)("Firefox's texts are its own string table (omni.ja)", () => {
  const zip = omniPath ? readFileSync(omniPath) : Buffer.alloc(0);
  const dir = 'chrome/en-US/locale/en-US/global/security/';
  const table = new Map([
    ...properties(readZipEntry(zip, `${dir}security.properties`) ?? ''),
    ...properties(readZipEntry(zip, `${dir}caps.properties`) ?? ''),
  ]);
  /** The model's text with Firefox's own placeholders for arguments, and the key it comes from. */
  const cases: Array<[string, string, (s: string) => string]> = [
    ['missingAllowOrigin', 'CORSMissingAllowOrigin2', (t) => t],
    ['multipleAllowOrigin', 'CORSMultipleAllowOriginNotAllowed', (t) => t],
    ['notMatchingOrigin', 'CORSAllowOriginNotMatchingOrigin', (t) => t],
    ['notSupportingCredentials', 'CORSNotSupportingCredentials', (t) => t],
    ['missingAllowCredentials', 'CORSMissingAllowCredentials', (t) => t],
    ['preflightDidNotSucceed', 'CORSPreflightDidNotSucceed3', (t) => t],
    // Firefox fills the status of a request that never got an answer with "(null)".
    ['didNotSucceed', 'CORSDidNotSucceed2', (t) => t.replace('%2$S', '(null)')],
    ['externalRedirect', 'CORSExternalRedirectNotAllowed', (t) => t],
    ['invalidAllowMethod', 'CORSInvalidAllowMethod', (t) => t],
    ['methodNotFound', 'CORSMethodNotFound', (t) => t],
    ['invalidAllowHeader', 'CORSInvalidAllowHeader', (t) => t],
    ['missingAllowHeader', 'CORSMissingAllowHeaderFromPreflight2', (t) => t],
    ['authorizationWildcardWarning', 'CORSAllowHeaderFromPreflightDeprecation', (t) => t],
    // caps.properties: two unnumbered `%S`.
    ['sameOriginError', 'CheckSameOriginError', (t) => t],
  ];
  it('every Firefox text template is accounted for below', () => {
    expect(cases.map(([k]) => k).sort()).toEqual(Object.keys(FIREFOX_TEXT).sort());
  });
  for (const [name, key, fill] of cases)
    it(`${name} is ${key}, filled as Firefox fills it`, () => {
      const source = table.get(key);
      expect(source, `${key} in ${omniPath}`).toBeDefined();
      const f = FIREFOX_TEXT[name as keyof typeof FIREFOX_TEXT] as (...a: unknown[]) => string;
      const model = name === 'sameOriginError' ? f('%S', '%S') : f('%1$S', '%2$S');
      expect(model).toBe(fill(source!));
    });
});

const WEBKIT_LIB = process.env.WEBKIT_LIB ?? multiarchLib('libwebkit2gtk-4.1.so.0');
describe.runIf(existsSync(WEBKIT_LIB))("WebKit's texts are in its own library (libwebkit2gtk)", () => {
  const lib = existsSync(WEBKIT_LIB) ? readFileSync(WEBKIT_LIB) : Buffer.alloc(0);
  for (const [name, t] of Object.entries(WEBKIT_TEXT as Record<string, Template>))
    it(`${name}: its fixed parts are strings of WebKitGTK`, () => {
      // WebCore builds a message from pieces, a sentence at most; each of 8 characters or more is one of its strings.
      const pieces = parts(t)
        .flatMap((p) => p.split(/(?<=\.) /))
        .filter((p) => p.length >= 8);
      expect(pieces.length).toBeGreaterThan(0);
      for (const p of pieces) expect(lib.indexOf(p), p).toBeGreaterThanOrEqual(0);
    });
});

// The docs quote console lines; each must be one the model gives, in a text the engines were seen to
// print (above): a quoted line no engine prints would be a claim no suite shows.
describe('every console line the README and docs/ quote is one of the engines’ own texts', () => {
  const CODES = Object.keys(ERROR_CODES) as ErrorCode[];
  const chromium = CODES.filter((c) => corsReasonOf(c) !== '').map((c) =>
    matcher(
      `Access to fetch at '${SLOT}' from origin '${SLOT}' has been blocked by CORS policy: ${corsReasonOf(c, SLOT)}`,
    ),
  );
  const firefox = Object.values(FIREFOX_TEXT as Record<string, Template>).map(matcher);
  const webkit = Object.values(WEBKIT_TEXT as Record<string, Template>).map(matcher);
  const files = ['README.md', ...mdFiles('docs')];
  const quoted: Array<{ where: string; line: string; engine: 'chromium' | 'firefox' | 'webkit' }> = [];
  for (const file of files)
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const where = `${file}:${i + 1}`;
        const at = (s: string) => text.indexOf(s);
        if (at("Access to fetch at '") >= 0)
          quoted.push({ where, line: text.slice(at("Access to fetch at '")).trim(), engine: 'chromium' });
        else if (at('Cross-Origin Request ') >= 0 && at(' disallow') >= 0)
          quoted.push({ where, line: text.slice(at('Cross-Origin Request ')).trim(), engine: 'firefox' });
        else if (/^\s*WebKit: /.test(text))
          quoted.push({ where, line: text.replace(/^\s*WebKit: /, '').trim(), engine: 'webkit' });
      });
  it('finds quoted lines of all three engines', () => {
    for (const e of ['chromium', 'firefox', 'webkit'])
      expect(
        quoted.some((q) => q.engine === e),
        e,
      ).toBe(true);
  });
  it('each matches its engine’s text', () => {
    const table = { chromium, firefox, webkit };
    const bad = quoted.filter((q) => !table[q.engine].some((m) => m.test(q.line)));
    expect(bad.map((q) => `${q.where} (${q.engine}): ${q.line}`)).toEqual([]);
  });
});

function mdFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? mdFiles(path.join(dir, d.name))
      : d.name.endsWith('.md')
        ? [path.join(dir, d.name)]
        : [],
  );
}

const REQUEST_ERRORS = new Set<ErrorCode>([
  'InvalidMethod',
  'ForbiddenMethod',
  'MethodUnsupportedInNoCors',
  'BodyWithGetOrHead',
  'InvalidUrl',
]);
/** Chromium's reason for a CORS error ('' for a request error, or one Chromium gives no line for). */
function corsReasonOf(code: ErrorCode, hint = ''): string {
  return REQUEST_ERRORS.has(code) ? '' : corsReason(code as CorsErrorCode, hint);
}
