/** A finding's engine lines for the one-message printers (SARIF, GitHub annotations). */
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
