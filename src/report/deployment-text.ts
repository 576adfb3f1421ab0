/** The deployment model as a person reads it: per API, each path, each method, what guards it. */
import pc from 'picocolors';
import type {
  DeployedApi,
  DeployedCors,
  DeployedFunctionUrl,
  DeployedHttpApi,
  DeployedMethod,
  Deployment,
  MappedHeader,
} from '../sam/model.js';
import { formatPos } from '../template/position.js';

export function deploymentText(deployment: Deployment): string {
  const lines: string[] = [];
  for (const api of deployment.apis) lines.push(...apiText(api), '');
  for (const api of deployment.httpApis) lines.push(...httpApiText(api), '');
  for (const url of deployment.functionUrls) lines.push(...functionUrlText(url), '');
  if (deployment.apis.length + deployment.httpApis.length + deployment.functionUrls.length === 0)
    lines.push('no REST API, HTTP API or Function URL in this template', '');
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

function httpApiText(api: DeployedHttpApi): string[] {
  const out = [
    `${pc.bold(api.logicalId)} ${pc.dim(`(HTTP API, stage ${api.stageName}, ${formatPos(api.pos)})`)}`,
  ];
  for (const resource of api.resources) {
    out.push(
      `  ${pc.cyan(resource.path)}${resource.path === '$default' ? pc.dim(' (catch-all route)') : ''}`,
    );
    for (const m of resource.methods) {
      const integration =
        m.integration === 'aws_proxy'
          ? `Lambda proxy → ${m.functionId ?? '(function outside this template)'}, payload ${m.payloadFormatVersion ?? '2.0'}`
          : m.integration === 'aws'
            ? `AWS service integration ${m.target?.service ?? ''}`.trimEnd()
            : m.integration;
      const scopes = m.authorizationScopes.length ? ` [${m.authorizationScopes.join(' ')}]` : '';
      const guard = m.authorizer ? `  ${pc.yellow(`authorizer ${m.authorizer}${scopes}`)}` : '';
      out.push(
        `    ${m.method.padEnd(7)} ${integration}${m.timeoutMs ? `, timeout ${m.timeoutMs} ms` : ''}${guard}`,
      );
    }
  }
  out.push(
    ...corsText(
      api.cors,
      'CorsConfiguration',
      "API Gateway answers preflights itself and adds these to every answer; the integration's own CORS headers are dropped",
    ),
  );
  const authorizers = Object.values(api.authorizers);
  if (authorizers.length > 0)
    out.push(
      `  ${pc.dim('authorizers')} ${authorizers
        .map((a) =>
          a.type === 'JWT'
            ? `${a.name} (JWT, issuer ${a.issuer ?? '?'}, audience ${a.audience.join(', ') || '-'}, from ${a.identitySource.join(', ')})`
            : a.type === 'REQUEST'
              ? `${a.name} (Lambda → ${a.functionId ?? '?'}, payload ${a.payloadFormatVersion ?? '?'}${a.simpleResponses ? ', simple responses' : ''}, from ${a.identitySource.join(', ') || '-'})`
              : `${a.name} (IAM)`,
        )
        .join('; ')}`,
    );
  for (const note of api.notes) out.push(pc.dim(`  note: ${note}`));
  return out;
}

function functionUrlText(url: DeployedFunctionUrl): string[] {
  const out = [
    `${pc.bold(url.logicalId)} ${pc.dim(`(Function URL, ${formatPos(url.pos)})`)}`,
    `  every path and method → ${url.functionId}, payload 2.0, AuthType ${url.authType}${url.invokeMode ? `, InvokeMode ${url.invokeMode}` : ''}`,
  ];
  out.push(
    ...corsText(
      url.cors,
      'Cors',
      "Lambda answers preflights itself and adds these beside the function's own headers",
    ),
  );
  for (const note of url.notes) out.push(pc.dim(`  note: ${note}`));
  return out;
}

function corsText(cors: DeployedCors | undefined, name: string, how: string): string[] {
  if (!cors)
    return [
      `  ${pc.dim(`no ${name}: a preflight reaches the routes, and only the function's own headers answer CORS`)}`,
    ];
  if (cors.unresolved) return [`  ${pc.dim(`${name} ${cors.unresolved}`)}`];
  const out = [`  ${pc.dim(`${name}: ${how}`)}`];
  const line = (label: string, values: string[]) => {
    if (values.length > 0) out.push(`    ${label}: ${values.join(', ')}`);
  };
  line('AllowOrigins', cors.allowOrigins);
  line('AllowMethods', cors.allowMethods);
  line('AllowHeaders', cors.allowHeaders);
  line('ExposeHeaders', cors.exposeHeaders);
  if (cors.maxAge !== undefined) out.push(`    MaxAge: ${cors.maxAge}`);
  if (cors.allowCredentials) out.push('    AllowCredentials: true');
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
