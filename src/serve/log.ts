/** One line per request: method, path, status, duration, and what a browser would make of it. */
import pc from 'picocolors';
import { engineSummary } from '../browser/index.js';
import { printable } from '../text/printable.js';
import type { Exchange } from './server.js';
import { exchangeVerdict } from './verdict.js';

/**
 * A line a function logged, as the terminal shows it: its function and request, then the line with every
 * terminal control escaped but the tab (Lambda's own lines are tab-separated). The function's code is the
 * user's, but what it logs is often what a client sent (`console.log(event.body)`, a header's value).
 */
export function functionLogLine(functionId: string, requestId: string, line: string): string {
  const shown = line.includes('\t')
    ? line
        .split('\t')
        .map((part) => printable(part))
        .join('\t')
    : printable(line);
  return `  ${functionId} ${requestId.slice(0, 8)} ${shown}`;
}

export function requestLogLine(x: Exchange, apiOrigin = originOf(x)): string {
  const { request, response } = x;
  const status =
    response.status < 400
      ? pc.green(String(response.status))
      : response.status < 500
        ? pc.yellow(String(response.status))
        : pc.red(String(response.status));
  const path = printable(request.query ? `${request.path}?${request.query}` : request.path);
  let line = `${request.method.padEnd(7)} ${path} ${status} ${x.durationMs.toFixed(1)} ms`;
  if (response.trace.kind === 'gateway-response' && response.trace.reason)
    line += pc.dim(` — ${printable(response.trace.reason)}`);
  const verdict = exchangeVerdict(request, response, apiOrigin);
  if (verdict) {
    const what = verdict.step === 'preflight' ? `the preflight for ${verdict.method}` : 'the response';
    const e = verdict.engines;
    const where = engineSummary(e);
    const origin = printable(verdict.origin);
    const j = verdict.judgement;
    // The reason is Chromium's text: Firefox and WebKit may name another cause for the same answer.
    const why = j.reason !== undefined ? `Chromium: ${j.reason}` : (j.cause ?? j.errorCode ?? '');
    line +=
      j.ok && e.firefox.allowed && e.webkit.allowed
        ? ` ${pc.green('✓')} a browser on ${origin} would accept ${what} (${where})`
        : ` ${pc.red('✗')} a browser on ${origin} would be ${where} (${printable(why)})`;
  }
  return line;
}

function originOf(x: Exchange): string {
  return `http://${x.request.domainName}`;
}
