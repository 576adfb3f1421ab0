/** One line per request: method, path, status, duration, and what a browser would make of it. */
import pc from 'picocolors';
import { engineSummary } from '../browser/index.js';
import type { Exchange } from './server.js';
import { exchangeVerdict } from './verdict.js';

/**
 * What a terminal acts on rather than prints: C0 controls (ESC starts an escape sequence that can clear
 * the screen, retitle the window or rewrite earlier lines), DEL, C1 controls (U+009B is CSI where 8-bit
 * controls are honoured) and the bidi overrides that make a line read other than it is (CVE-2021-42574).
 * Paths, Origins and header values come from clients and handlers: none reaches the terminal raw.
 */
const TERMINAL_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const TERMINAL_CONTROLS = new RegExp(TERMINAL_CONTROL.source, 'g');

/** `s` with every terminal control written as an escape (`\x1b`, `\u202e`). */
export function printable(s: string): string {
  if (!TERMINAL_CONTROL.test(s)) return s;
  return s.replace(TERMINAL_CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

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
