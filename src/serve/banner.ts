/** What `crossgate serve` prints at start-up: where it listens, every route, the keys. */
import pc from 'picocolors';
import type { RunningServe } from './serve.js';

export function routeTable(
  running: RunningServe,
  info: { stagePrefix: boolean; file: string; startupMs: number },
): string {
  const lines: string[] = [];
  lines.push(
    `${pc.bold('crossgate serve')} ${info.file} — listening on ${pc.cyan(running.server.url)} ${pc.dim(`(${info.startupMs.toFixed(0)} ms)`)}`,
  );
  for (const api of running.gateway.apis) {
    const prefix = info.stagePrefix ? `/${api.stageName ?? 'Prod'}` : '';
    lines.push('', `  ${pc.bold(api.logicalId)} ${pc.dim(`stage ${api.stageName ?? 'Prod'}`)}`);
    for (const r of api.resources)
      for (const m of r.methods) {
        const guards = [
          m.apiKeyRequired ? 'API key' : '',
          m.authorizer && m.authorizer !== 'NONE' ? `authorizer ${m.authorizer}` : '',
        ]
          .filter(Boolean)
          .join(', ');
        const target =
          m.integration === 'aws_proxy'
            ? (m.functionId ?? '?')
            : m.corsPreflight
              ? 'CORS preflight (mock)'
              : m.integration;
        lines.push(
          `    ${m.method.padEnd(7)} ${running.server.url}${prefix}${r.path}  ${pc.dim(target)}${guards ? `  ${pc.yellow(guards)}` : ''}`,
        );
      }
  }
  for (const note of running.notes) lines.push('', `  ${pc.yellow(`note: ${note}`)}`);
  if (running.keys.length > 0) {
    lines.push('', '  API keys (send as x-api-key):');
    for (const k of running.keys)
      lines.push(
        `    ${k.value}  ${pc.dim(k.source === 'generated' ? 'generated for this run' : `${k.source}: ${k.id}`)}`,
      );
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}
