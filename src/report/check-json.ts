/** The check report for machines: findings as plain data, and the simulated requests' verdicts. */
import { ENGINES } from '../browser/index.js';
import { findingBrowsers } from '../check/engines.js';
import type { CheckResult } from '../check/run.js';
import { formatPos } from '../template/position.js';

export function checkJson(result: CheckResult): unknown {
  const engines = result.engines ?? ENGINES;
  return {
    engines,
    findings: result.findings.map((f) => ({
      code: f.code,
      rule: f.rule,
      api: f.api,
      severity: f.severity,
      message: f.message,
      file: f.pos?.file,
      line: f.pos?.line,
      column: f.pos?.col,
      position: f.pos ? formatPos(f.pos) : undefined,
      consoleMessage: f.consoleMessage,
      browsers: f.verdict ? findingBrowsers(f.verdict, engines) : undefined,
      route: f.route,
      origin: f.origin,
      fix: f.fix ? { description: f.fix.description } : undefined,
      hint: f.hint,
    })),
    notes: result.notes,
    apis: (result.intent ?? []).map((i) => ({
      api: i.api,
      kind: i.kind,
      methods: i.methods,
      definitionFile: i.definitionFile,
      judged: i.methods > 0 && i.signals.length > 0,
      intent: i.signals.map((s) => ({
        source: s.source,
        detail: s.detail,
        position: s.pos ? formatPos(s.pos) : undefined,
      })),
    })),
    requests: result.simulations.map((s) => ({
      api: s.api.logicalId,
      route: `${s.method.method} ${s.resource.path}`,
      shape: s.shape,
      origin: s.origin,
      expectedAllowed: s.expectedAllowed,
      allowed: s.verdict.allowed,
      engines: Object.fromEntries(engines.map((e) => [e, { allowed: s.verdict.engines[e].allowed }])),
      failedStep: s.verdict.failedStep,
      consoleMessage: s.verdict.consoleMessage,
    })),
    summary: {
      errors: result.findings.filter((f) => f.severity === 'error').length,
      warnings: result.findings.filter((f) => f.severity === 'warning').length,
      infos: result.findings.filter((f) => f.severity === 'info').length,
    },
  };
}
