// One engine's outcome of a verdict. The verdict, the exception and whether a preflight is sent are
// decided with the verdict; the console lines, the requests and the preflight cache lifetime are
// worked out when first read: a front end quotes a few verdicts' lines, the model makes hundreds of
// thousands of verdicts a second (bench/browser.bench.mjs).

import { readCorsHeaders, sentRequests } from './cors-check.js';
import { type Engine, enginePreflightCacheSeconds } from './engines.js';
import {
  FIREFOX_TEXT,
  firefoxConsole,
  firefoxFailure,
  firefoxWarnsWildcardAuthorization,
} from './firefox.js';
import type { EngineOutcome, FetchCall, FetchVerdict, WireRequest } from './types.js';
import { webkitConsole, webkitFailure } from './webkit.js';

export class VerdictOutcome implements EngineOutcome {
  readonly allowed: boolean;
  readonly needsPreflight: boolean;
  readonly exception: string | undefined;
  readonly unverified: string | undefined;
  #v: FetchVerdict;
  #engine: Engine;
  #call: FetchCall | undefined;
  #lines: string[] | undefined = undefined;
  #requests: WireRequest[] | undefined = undefined;
  #cache: number | null | undefined = undefined;

  /** `v` is the verdict this engine reaches: Chromium's own, or the Fetch-standard one Firefox and WebKit follow. */
  constructor(v: FetchVerdict, engine: Engine, call?: FetchCall) {
    this.#v = v;
    this.#engine = engine;
    this.#call = call;
    this.allowed = v.allowed;
    this.needsPreflight = v.plan.needsPreflight;
    if (engine === 'chromium') {
      this.exception = v.exception;
      this.unverified = undefined;
    } else {
      const f = engine === 'firefox' ? firefoxFailure(v) : webkitFailure(v);
      this.exception = f.exception;
      this.unverified = f.unverified;
    }
  }

  get consoleMessages(): string[] {
    if (this.#lines === undefined) {
      const v = this.#v;
      this.#lines =
        this.#engine === 'chromium'
          ? v.consoleMessage === undefined
            ? []
            : [v.consoleMessage]
          : this.#engine === 'firefox'
            ? firefoxConsole(v)
            : webkitConsole(v, this.#call);
    }
    return this.#lines;
  }

  get consoleWarnings(): string[] {
    return this.#engine === 'firefox' && firefoxWarnsWildcardAuthorization(this.#v)
      ? [FIREFOX_TEXT.authorizationWildcardWarning(this.#v.preflight!.request.url)]
      : [];
  }

  get requests(): WireRequest[] {
    if (this.#requests === undefined) this.#requests = sentRequests(this.#v);
    return this.#requests;
  }

  get preflightCacheSeconds(): number | undefined {
    if (this.#cache === undefined) {
      const pf = this.#v.preflight;
      this.#cache =
        this.#engine === 'chromium'
          ? (this.#v.preflightCacheSeconds ?? null)
          : pf?.judgement.ok
            ? enginePreflightCacheSeconds(
                this.#engine,
                readCorsHeaders(pf.response.headers).maxAge,
                pf.request.url,
              )
            : null;
    }
    return this.#cache === null ? undefined : this.#cache;
  }

  toJSON(): EngineOutcome {
    return {
      allowed: this.allowed,
      needsPreflight: this.needsPreflight,
      requests: this.requests,
      consoleMessages: this.consoleMessages,
      consoleWarnings: this.consoleWarnings,
      exception: this.exception,
      preflightCacheSeconds: this.preflightCacheSeconds,
      unverified: this.unverified,
    };
  }
}

/**
 * The three engines' outcomes of one verdict, each made when first read: a verdict whose engines no
 * front end asks about costs one object.
 */
export class VerdictOutcomes {
  #chromium: VerdictOutcome | undefined = undefined;
  #firefox: VerdictOutcome | undefined = undefined;
  #webkit: VerdictOutcome | undefined = undefined;
  #v: FetchVerdict;
  #standard: FetchVerdict;
  #call: FetchCall | undefined;

  /** `v` is Chromium's verdict; `standard` the one Firefox and WebKit reach (the same object unless they plan otherwise). */
  constructor(v: FetchVerdict, standard: FetchVerdict, call?: FetchCall) {
    this.#v = v;
    this.#standard = standard;
    this.#call = call;
  }
  get chromium(): VerdictOutcome {
    if (this.#chromium === undefined) this.#chromium = new VerdictOutcome(this.#v, 'chromium');
    return this.#chromium;
  }
  get firefox(): VerdictOutcome {
    if (this.#firefox === undefined) this.#firefox = new VerdictOutcome(this.#standard, 'firefox');
    return this.#firefox;
  }
  get webkit(): VerdictOutcome {
    if (this.#webkit === undefined) this.#webkit = new VerdictOutcome(this.#standard, 'webkit', this.#call);
    return this.#webkit;
  }
  toJSON(): Record<Engine, EngineOutcome> {
    return { chromium: this.chromium.toJSON(), firefox: this.firefox.toJSON(), webkit: this.webkit.toJSON() };
  }
}
