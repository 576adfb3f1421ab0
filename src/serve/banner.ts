/** What `crossgate serve` prints at start-up: where it listens, every route, the keys. */
import pc from 'picocolors';
import type { DeployedCors } from '../sam/model.js';
import type { RunningServe } from './serve.js';

function corsLine(cors: DeployedCors | undefined, name: string): string {
  if (!cors) return `no ${name}: preflights reach the routes; the function answers CORS itself`;
  if (cors.unresolved) return `${name} ${cors.unresolved}`;
  return `CORS answered by the platform for ${cors.allowOrigins.join(', ') || '(no origin)'}${cors.allowCredentials ? ', with credentials' : ''}`;
}

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
  for (const api of running.gateway.httpApis) {
    const prefix = info.stagePrefix && api.stageName !== '$default' ? `/${api.stageName}` : '';
    lines.push('', `  ${pc.bold(api.logicalId)} ${pc.dim(`HTTP API, stage ${api.stageName}`)}`);
    for (const r of api.resources)
      for (const m of r.methods) {
        const path = r.path === '$default' ? '/*' : r.path;
        // An AWS service integration (SQS-SendMessage…) is not a payload-format integration of a function.
        const target =
          m.integration === 'aws_proxy'
            ? `${m.functionId ?? '?'} (payload ${m.payloadFormatVersion ?? '2.0'})`
            : m.integration === 'aws'
              ? `AWS service integration ${m.target?.service ?? ''}`.trimEnd()
              : m.integration;
        const guard = m.authorizer ? `  ${pc.yellow(`authorizer ${m.authorizer}`)}` : '';
        const route = r.path === '$default' ? `${pc.dim('($default)')} ` : '';
        lines.push(
          `    ${m.method.padEnd(7)} ${running.server.url}${prefix}${path}  ${route}${pc.dim(target)}${guard}`,
        );
      }
    lines.push(`    ${pc.dim(corsLine(api.cors, 'CorsConfiguration'))}`);
  }
  for (const u of running.functionUrls) {
    lines.push(
      '',
      `  ${pc.bold(u.url.logicalId)} ${pc.dim(`Function URL → ${u.url.functionId}, AuthType ${u.url.authType}`)}`,
      `    ANY     ${u.server.url}/*`,
      `    ${pc.dim(corsLine(u.url.cors, 'Cors'))}`,
    );
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
