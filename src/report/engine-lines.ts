/** A finding's lines for the one-message printers (SARIF, GitHub annotations), as the text report has them. */
import { ENGINE_NAMES, ENGINES, type Engine } from '../browser/index.js';
import { findingBrowsers } from '../check/engines.js';
import type { Finding } from '../check/types.js';

/** "Browsers: blocked in all three.\nChromium: …\nFirefox: …", or Chromium's line alone when no request showed it. */
export function engineLines(f: Finding, engines: readonly Engine[] = ENGINES): string | undefined {
  if (!f.verdict) return f.consoleMessage === undefined ? undefined : `Browser: ${f.consoleMessage}`;
  const b = findingBrowsers(f.verdict, engines);
  const lines = [`Browsers: ${b.summary}.`];
  for (const e of engines) {
    for (const l of b.consoleMessages[e] ?? []) lines.push(`${ENGINE_NAMES[e]}: ${l}`);
    for (const l of b.consoleWarnings[e] ?? []) lines.push(`${ENGINE_NAMES[e]} (warning): ${l}`);
  }
  return lines.join('\n');
}

/** What to do about a finding, as the text report says it: the fix --fix applies, or how to fix it by hand. */
export function adviceLine(f: Finding): string | undefined {
  if (f.fix) return `Fix (--fix): ${f.fix.description}`;
  return f.hint ? `How: ${f.hint}` : undefined;
}

/** Everything a one-message printer adds below a finding's message: the engines' lines, then the advice. */
export function findingDetail(f: Finding, engines: readonly Engine[] = ENGINES): string | undefined {
  const lines = [engineLines(f, engines), adviceLine(f)].filter((l): l is string => l !== undefined);
  return lines.length > 0 ? lines.join('\n') : undefined;
}
