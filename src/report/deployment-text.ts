/** The deployment model as a person reads it: per API, each path, each method, what guards it. */
import pc from 'picocolors';
import type { DeployedApi, DeployedMethod, Deployment, MappedHeader } from '../sam/model.js';
import { formatPos } from '../template/position.js';

export function deploymentText(deployment: Deployment): string {
  const lines: string[] = [];
  for (const api of deployment.apis) lines.push(...apiText(api), '');
  if (deployment.apis.length === 0) lines.push('no REST API in this template', '');
  for (const note of deployment.notes)
    lines.push(pc.dim(`note: ${note.pos ? `${formatPos(note.pos)}: ` : ''}${note.message}`));
  return `${lines.join('\n').trimEnd()}\n`;
}

function apiText(api: DeployedApi): string[] {
  const stage = api.stageName ? `stage ${api.stageName}` : 'no stage';
  const out = [`${pc.bold(api.logicalId)} ${pc.dim(`(${stage}, ${formatPos(api.pos)})`)}`];
  for (const resource of api.resources) {
    out.push(`  ${pc.cyan(resource.path)}`);
    for (const m of resource.methods) out.push(...methodText(m));
  }
  if (api.gatewayResponses.length > 0) {
    out.push(`  ${pc.dim('gateway responses')}`);
    for (const r of api.gatewayResponses) {
      out.push(`    ${r.type}${r.statusCode ? ` ${r.statusCode}` : ''}`);
      for (const h of r.headers) out.push(`      ${headerText(h)}`);
    }
  }
  const keys = Object.values(api.authorizers);
  if (keys.length > 0)
    out.push(
      `  ${pc.dim('authorizers')} ${keys.map((a) => `${a.name} (${a.type}${a.functionId ? ` → ${a.functionId}` : ''})`).join(', ')}`,
    );
  if (api.binaryMediaTypes.length > 0)
    out.push(`  ${pc.dim('binary media types')} ${api.binaryMediaTypes.join(', ')}`);
  for (const note of api.notes) out.push(pc.dim(`  note: ${note}`));
  return out;
}

function methodText(m: DeployedMethod): string[] {
  const guards: string[] = [];
  if (m.apiKeyRequired) guards.push(pc.yellow('API key'));
  if (m.authorizer) guards.push(pc.yellow(`authorizer ${m.authorizer}`));
  const vpc = m.target?.connectionType === 'VPC_LINK' ? ' (VPC link)' : '';
  const url = m.target?.url ?? '(URL known after deploy)';
  const integration =
    m.integration === 'aws_proxy'
      ? `Lambda proxy → ${m.functionId ?? '(function outside this template)'}`
      : m.integration === 'mock'
        ? `mock ${m.mockStatus ?? 200}${m.corsPreflight ? ' (CORS preflight, from Cors)' : ''}`
        : m.integration === 'aws' && m.functionId
          ? `Lambda non-proxy → ${m.functionId}`
          : m.integration === 'aws'
            ? `AWS ${m.target?.service ?? 'service'}`
            : m.integration === 'http'
              ? `HTTP → ${url}${vpc}`
              : m.integration === 'http_proxy'
                ? `HTTP proxy → ${url}${vpc}`
                : m.integration;
  const out = [`    ${m.method.padEnd(7)} ${integration}${guards.length ? `  ${guards.join(', ')}` : ''}`];
  if (m.integration === 'mock') for (const h of m.mockHeaders) out.push(`            ${headerText(h)}`);
  else
    for (const r of m.integrationResponses) {
      out.push(`            ${pc.dim(`response ${r.pattern} → ${r.statusCode}`)}`);
      for (const h of r.headers) out.push(`              ${headerText(h)}`);
    }
  return out;
}

function headerText(h: MappedHeader): string {
  if (h.invalid)
    return `${h.name}: ${pc.red(`${JSON.stringify(h.expression)} — ${h.invalid}`)} ${pc.dim(formatPos(h.pos))}`;
  if (h.value !== undefined) return `${h.name}: ${h.value}`;
  return `${h.name}: ${pc.dim(`(from ${JSON.stringify(h.expression)})`)}`;
}

/** The deployment model as JSON: plain data, positions as `file:line:col`, the OpenAPI body left out. */
export function deploymentJson(deployment: Deployment): unknown {
  return JSON.parse(
    JSON.stringify(deployment, (key, value) => {
      if (key === 'body' || key === 'sources') return undefined;
      if (value && typeof value === 'object' && 'line' in value && 'col' in value && 'file' in value)
        return formatPos(value);
      return value;
    }),
  );
}
