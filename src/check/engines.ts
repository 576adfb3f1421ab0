/**
 * Each engine's side of a finding: the simulated request that showed the failure gives every engine's
 * verdict and console lines (src/browser, proven by test/browser/engines.test.ts), so a finding says
 * "blocked in all three" or names the engines that differ, each in its own words.
 */
import { ENGINES, type Engine, engineSummary, type FetchVerdict } from '../browser/index.js';
import type { Finding, SimulatedRequest } from './types.js';

/** What a finding says about the engines. */
export interface FindingBrowsers {
  /** "blocked in all three", or e.g. "blocked in Firefox and WebKit, allowed in Chromium". */
  summary: string;
  /** Each engine's console lines for the failure, in its own words. */
  consoleMessages: Partial<Record<Engine, string[]>>;
  /** Warnings an engine prints even when it allows the request (Firefox: Authorization under `*`). */
  consoleWarnings: Partial<Record<Engine, string[]>>;
}

export function findingBrowsers(v: FetchVerdict, engines: readonly Engine[] = ENGINES): FindingBrowsers {
  const consoleMessages: Partial<Record<Engine, string[]>> = {};
  const consoleWarnings: Partial<Record<Engine, string[]>> = {};
  for (const e of engines) {
    consoleMessages[e] = v.engines[e].consoleMessages;
    if (v.engines[e].consoleWarnings.length > 0) consoleWarnings[e] = v.engines[e].consoleWarnings;
  }
  return { summary: engineSummary(v.engines, engines), consoleMessages, consoleWarnings };
}

/**
 * Gives every finding that quotes a console message the verdict of the simulated request it came from
 * (the rules quote Chromium's line; the request is found by that line, its route and origin).
 */
export function attachEngineOutcomes(findings: Finding[], simulations: SimulatedRequest[]): void {
  for (const f of findings) {
    if (f.consoleMessage === undefined) continue;
    const sim =
      simulations.find(
        (s) =>
          s.verdict.consoleMessage === f.consoleMessage &&
          (f.origin === undefined || s.origin === f.origin) &&
          (f.route === undefined || `${s.method.method} ${s.resource.path}` === f.route),
      ) ?? simulations.find((s) => s.verdict.consoleMessage === f.consoleMessage);
    if (sim) f.verdict = sim.verdict;
  }
}
