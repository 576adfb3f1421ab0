// Printers for a probe result: text like `curl -v` (`> ` request lines, `< ` response lines, `* `
// notes) with the headers that decided a check marked, and one JSON object. Both print the same
// ProbeResult; neither decides anything.

import pc from 'picocolors';
import {
  type Check,
  ENGINE_NAMES,
  ENGINES,
  engineList,
  engineNotes,
  engineSummary,
  type HeaderList,
} from '../browser/index.js';
import { printable, printableLines } from '../text/printable.js';
import type { ProbeExchange, ProbeResult } from './probe.js';

type Colors = ReturnType<typeof pc.createColors>;

const BODY_SHOWN = 500;

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

/** `<- allow-origin ✓, ok-status ✗` for one header name, from the checks that used it. */
function marks(name: string, checks: Check[], c: Colors): string {
  const used = checks.filter((k) => k.headers.includes(name));
  if (used.length === 0) return '';
  return `  ${c.dim('←')} ${used.map((k) => (k.ok ? c.green(`${k.name} ✓`) : c.red(`${k.name} ✗`))).join(', ')}`;
}

function exchangeText(x: ProbeExchange, c: Colors): string {
  const out: string[] = [];
  const title =
    x.step === 'preflight'
      ? "Preflight (sent by the browser on its own: no credentials, none of the page's custom headers)"
      : x.step === 'redirect'
        ? 'Request, answered with a redirect the browser follows'
        : 'Actual request';
  out.push(c.bold(`* ${title}`));
  out.push(`> ${c.bold(`${x.sent.method} ${pathOf(x.sent.url)} HTTP/1.1`)}`);
  for (const [n, v] of x.sent.headers) out.push(`> ${n}: ${printable(v)}`);
  out.push('>');
  if (x.sent.body !== undefined) out.push(x.sent.body);
  const res = x.response;
  if (!res) {
    out.push(c.red('* no answer'));
    return out.join('\n');
  }
  // What the server sent is shown as text: a status text or a header value may hold terminal controls.
  const status = `HTTP/${res.httpVersion} ${res.status} ${printable(res.statusText)}`.trimEnd();
  out.push(`< ${c.bold(res.status >= 200 && res.status < 300 ? status : c.yellow(status))}`);
  const present = new Set<string>();
  for (const [n, v] of res.headers) {
    const lower = n.toLowerCase();
    const first = !present.has(lower);
    present.add(lower);
    out.push(`< ${n}: ${printable(v)}${first ? marks(lower, x.checks, c) : ''}`);
  }
  const absent = new Set<string>();
  for (const k of x.checks) for (const h of k.headers) if (!present.has(h)) absent.add(h);
  for (const h of absent) out.push(c.dim(`< (no ${h})`) + marks(h, x.checks, c));
  out.push('<');
  if (res.body !== '') {
    const text = res.body.length > BODY_SHOWN ? `${res.body.slice(0, BODY_SHOWN)}…` : res.body;
    out.push(printableLines(res.bodyTruncated && text === res.body ? `${text}…` : text));
  }
  for (const k of x.checks)
    out.push(
      `* ${k.ok ? c.green('✓') : c.red('✗')} ${k.name}: ${printable(k.detail)} ${c.dim(`(${k.source})`)}`,
    );
  return out.join('\n');
}

function headerNames(list: HeaderList | Record<string, string> | undefined): string {
  const pairs = Array.isArray(list) ? list : Object.entries(list ?? {});
  return pairs.map(([n]) => n).join(', ');
}

/** The whole text report of one probe. */
export function probeText(r: ProbeResult, color = false): string {
  const c = pc.createColors(color);
  const v = r.verdict;
  const out: string[] = [];
  const method = v?.plan.method ?? r.call.method ?? 'GET';
  out.push(
    `* fetch('${r.call.url}', { method: '${method}'${r.call.headers ? `, headers: ${headerNames(r.call.headers)}` : ''}${r.call.credentials ? `, credentials: '${r.call.credentials}'` : ''}${r.call.body && r.call.body.type !== 'none' ? `, body (${r.call.body.contentType})` : ''} })`,
  );
  out.push(`* from a page on ${r.origin}`);
  const engines = r.engines ?? ENGINES;
  if (v) {
    const p = v.plan;
    // The plan is Chromium's; Firefox and WebKit preflight client hints Chromium safelists (measured).
    const preflighting = engines.filter((e) => v.engines[e].needsPreflight && !p.needsPreflight);
    const direct = engines.filter((e) => !v.engines[e].needsPreflight);
    if (p.kind === 'preflight') {
      out.push('* needs a preflight:');
      for (const reason of p.reasons) out.push(`*   ${reason.detail}`);
    } else if (p.kind === 'simple' && preflighting.length === 0)
      out.push('* a simple request: no preflight, the browser sends it directly');
    else if (p.kind === 'simple') {
      if (direct.length > 0) out.push(`* a simple request in ${engineList(direct)}: no preflight`);
      out.push(`* needs a preflight in ${engineList(preflighting)}:`);
      for (const note of engineNotes(v)) out.push(`*   ${note}`);
    } else if (p.kind === 'same-origin') out.push('* same-origin: CORS does not apply');
    for (const h of p.headers)
      if (h.fate === 'forbidden')
        out.push(`* ${h.name} is a forbidden request header: the browser drops it silently`);
  }
  out.push('');
  for (const x of r.exchanges) {
    out.push(exchangeText(x, c));
    out.push('');
  }
  if (v?.failedStep === 'preflight') out.push(c.dim('* Actual request not sent: the preflight failed.'), '');
  if (r.outcome === 'error') {
    out.push(`${c.red(c.bold('ERROR'))} ${printable(r.error ?? '')}`);
    return `${out.join('\n')}\n`;
  }
  if (!v) return `${out.join('\n')}\n`;
  const summary = engineSummary(v.engines, engines);
  if (r.outcome === 'allowed') {
    const res = v.actual?.response;
    out.push(
      `${c.green(c.bold('ALLOWED'))} ${summary.replace(/^allowed /, '')}: the page can read the response${res ? ` (status ${res.status})` : ''}`,
    );
    if (v.readableHeaders)
      out.push(`  readable headers: ${printable(v.readableHeaders.join(', ')) || '(none)'}`);
    const cached = engines.filter((e) => v.engines[e].preflightCacheSeconds !== undefined);
    if (cached.length > 0)
      out.push(
        `  preflight cached: ${cached.map((e) => `${ENGINE_NAMES[e]} ${v.engines[e].preflightCacheSeconds} s`).join(', ')}`,
      );
    for (const e of engines)
      for (const w of v.engines[e].consoleWarnings)
        out.push(`  ${ENGINE_NAMES[e]} (warning): ${printable(w)}`);
    if (r.note) out.push(`  note: ${printable(r.note)}`);
    return `${out.join('\n')}\n`;
  }
  const chromiumBlocked = engines.includes('chromium') && !v.allowed;
  out.push(
    `${c.red(c.bold('BLOCKED'))} ${summary.replace(/^blocked /, '')}${chromiumBlocked ? ` — ${v.failedStep === 'request' ? 'before sending' : `at the ${v.failedStep === 'preflight' ? 'preflight' : 'actual request'}`}${v.errorCode ? ` (${v.errorCode})` : ''}` : ''}`,
  );
  for (const e of engines) {
    const o = v.engines[e];
    if (o.allowed) continue;
    for (const line of o.consoleMessages) out.push(`  ${ENGINE_NAMES[e]}: ${printable(line)}`);
    if (o.exception) out.push(`  ${ENGINE_NAMES[e]}: fetch() rejects with ${printable(o.exception)}`);
    if (o.unverified) out.push(`  ${ENGINE_NAMES[e]}: ${o.unverified}`);
  }
  if (v.cause && chromiumBlocked) out.push(`  Why: ${printable(v.cause)}`);
  if (r.gateway) {
    out.push(`  Likely cause: ${printable(r.gateway.summary)}`);
    out.push(`  Fix: ${printable(r.gateway.fix)}`);
  }
  return `${out.join('\n')}\n`;
}

/** The JSON report of one probe: verdict, exchanges, cause, message. */
export function probeJson(r: ProbeResult): Record<string, unknown> {
  const v = r.verdict;
  return {
    verdict: r.outcome,
    exitCode: r.exitCode,
    url: r.call.url,
    origin: r.origin,
    method: v?.plan.method ?? r.call.method,
    credentials: v?.plan.credentialsMode ?? r.call.credentials ?? 'same-origin',
    kind: v?.plan.kind,
    needsPreflight: v?.plan.needsPreflight,
    reasons: v?.plan.reasons.map((x) => x.detail) ?? [],
    exchanges: r.exchanges.map((x) => ({
      step: x.step,
      request: { method: x.sent.method, url: x.sent.url, headers: x.sent.headers, body: x.sent.body },
      response: x.response
        ? {
            status: x.response.status,
            statusText: x.response.statusText,
            httpVersion: x.response.httpVersion,
            headers: x.response.headers,
            body: x.response.body,
            timeMs: x.response.timeMs,
          }
        : null,
      ok: x.ok,
      checks: x.checks,
    })),
    engines: v
      ? Object.fromEntries(
          (r.engines ?? ENGINES).map((e) => [
            e,
            {
              allowed: v.engines[e].allowed,
              consoleMessages: v.engines[e].consoleMessages,
              consoleWarnings: v.engines[e].consoleWarnings,
              exception: v.engines[e].exception ?? null,
              preflightCacheSeconds: v.engines[e].preflightCacheSeconds ?? null,
            },
          ]),
        )
      : null,
    summary: v ? engineSummary(v.engines, r.engines ?? ENGINES) : null,
    failedStep: v?.failedStep ?? null,
    errorCode: v?.errorCode ?? null,
    message: v?.consoleMessage ?? null,
    exception: v?.exception ?? null,
    cause: v?.cause ?? null,
    apiGateway: r.gateway ?? null,
    note: r.note ?? null,
    readableHeaders: v?.readableHeaders ?? null,
    preflightCacheSeconds: v?.preflightCacheSeconds ?? null,
    error: r.error ?? null,
  };
}
