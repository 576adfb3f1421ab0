/** One line per request: method, path, status, duration, and what a browser would make of it. */
import pc from 'picocolors';
import { engineSummary } from '../browser/index.js';
import type { Exchange } from './server.js';
import { exchangeVerdict } from './verdict.js';

export function requestLogLine(x: Exchange, apiOrigin = originOf(x)): string {
  const { request, response } = x;
  const status =
    response.status < 400
      ? pc.green(String(response.status))
      : response.status < 500
        ? pc.yellow(String(response.status))
        : pc.red(String(response.status));
  const path = request.query ? `${request.path}?${request.query}` : request.path;
  let line = `${request.method.padEnd(7)} ${path} ${status} ${x.durationMs.toFixed(1)} ms`;
  if (response.trace.kind === 'gateway-response' && response.trace.reason)
    line += pc.dim(` — ${response.trace.reason}`);
  const verdict = exchangeVerdict(request, response, apiOrigin);
  if (verdict) {
    const what = verdict.step === 'preflight' ? `the preflight for ${verdict.method}` : 'the response';
    const e = verdict.engines;
    const where = engineSummary(e);
    line +=
      verdict.judgement.ok && e.firefox.allowed && e.webkit.allowed
        ? ` ${pc.green('✓')} a browser on ${verdict.origin} would accept ${what} (${where})`
        : ` ${pc.red('✗')} a browser on ${verdict.origin} would be ${where}: ${verdict.judgement.reason ?? verdict.judgement.cause ?? verdict.judgement.errorCode}`;
  }
  return line;
}

function originOf(x: Exchange): string {
  return `http://${x.request.domainName}`;
}
