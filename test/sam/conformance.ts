/**
 * Compares crossgate's deployment model with the SAM translator's real output for every fixture in
 * ../shared/conformance/sam (aws/serverless-application-model tests/translator). Both sides are read
 * by the same reader (readBody), so what is compared is SAM's transform, not our reading of it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bodyFromMethods } from '../../src/sam/cfn-methods.js';
import { buildDeployment, canonicalFunctionId, readBody } from '../../src/sam/deployment.js';
import type { DeployedGatewayResponse, DeployedResource } from '../../src/sam/model.js';
import { TemplateError } from '../../src/template/errors.js';
import { loadTemplate } from '../../src/template/load.js';

/**
 * Where the fixtures are: $CROSSGATE_CONFORMANCE_DIR, else `shared/conformance/sam` beside the
 * checkout or any folder above it, or beside the repository this checkout was cloned from.
 */
function findConformanceDir(): string {
  const fromEnv = process.env.CROSSGATE_CONFORMANCE_DIR;
  if (fromEnv) return fromEnv;
  const root = join(import.meta.dirname, '../..');
  // A clone made elsewhere (CI clones the checkout) still knows where it came from.
  const origin = spawnSync('git', ['-C', root, 'config', '--get', 'remote.origin.url'], {
    encoding: 'utf8',
  }).stdout?.trim();
  const starts = [root, ...(origin && existsSync(origin) ? [origin] : [])];
  for (const start of starts) {
    let dir = start;
    for (let i = 0; i < 6; i++) {
      const candidate = join(dir, '..', 'shared', 'conformance', 'sam');
      if (existsSync(join(candidate, 'input'))) return candidate;
      dir = join(dir, '..');
    }
  }
  return join(import.meta.dirname, '../../../shared/conformance/sam');
}

export const CONFORMANCE_DIR = findConformanceDir();

/** Error fixtures about things crossgate does not model (custom domains, VPC policies, …), by name. */
const DOMAINS = 'custom domains (Domain) are not modelled: they do not change CORS or the methods';
export const OUT_OF_SCOPE_ERRORS: Record<string, string> = {
  error_api_domain_access_association_not_dict: DOMAINS,
  error_api_mtls_configuration_invalid_field: DOMAINS,
  error_api_mtls_configuration_invalid_type: DOMAINS,
  error_api_with_custom_domains_invalid: DOMAINS,
  error_api_with_custom_domains_route53_invalid: DOMAINS,
  error_api_with_custom_domains_route53_invalid_type: DOMAINS,
  error_separate_route53_recordset_group: DOMAINS,
  error_api_invalid_endpoint_configuration:
    'EndpointConfiguration (edge/regional/private, VPC endpoints) is not modelled',
  error_api_invalid_endpoint_configuration_openapi_3:
    'EndpointConfiguration (edge/regional/private, VPC endpoints) is not modelled',
  error_api_invalid_endpoint_configuration_with_vpc:
    'EndpointConfiguration (edge/regional/private, VPC endpoints) is not modelled',
  error_api_invalid_fail_on_warnings: 'FailOnWarnings is a deploy option crossgate does not model',
  error_api_invalid_source_vpc_blacklist: 'resource policy statements (SourceVpc lists) are not modelled',
  error_api_invalid_source_vpc_whitelist: 'resource policy statements (SourceVpc lists) are not modelled',
  error_api_request_model_with_intrinsics_validator: 'request models and validators are not modelled',
  error_api_request_model_with_strings_validator: 'request models and validators are not modelled',
  error_api_with_models_of_invalid_type: 'request models and validators are not modelled',
  error_api_with_disable_api_endpoint_and_definition_body_with_swagger_definition_not_explicitly_in_template:
    'DisableExecuteApiEndpoint is not modelled',
  error_api_with_disable_api_execute_endpoint_false: 'DisableExecuteApiEndpoint is not modelled',
  error_existing_role_logical_id: 'IAM roles SAM generates are not modelled',
  error_function_invalid_autopublishalias: 'function aliases and versions are not modelled',
  error_function_invalid_autopublishalias_allproperties: 'function aliases and versions are not modelled',
  error_multiple_resource_errors:
    'S3 forms of CodeUri/DefinitionUri (packaging) and S3 events are not modelled',
  error_state_machine_with_api_intrinsics:
    'Step Functions integration options (UnescapeMappingTemplate) are not modelled',
};
/** Non-error fixtures excluded by name, each with why. */
export const EXCLUDED: Record<string, string> = {
  api_with_any_method_in_swagger:
    'HttpApi (v2) events aimed at a REST API: SAM lets its HTTP API plugin edit the REST body; crossgate does not model that mix',
};

export interface FixtureResult {
  name: string;
  ok: boolean;
  reason?: string;
  excluded?: string;
}

function facts(resources: DeployedResource[], gatewayResponses: DeployedGatewayResponse[]): string[] {
  const out: string[] = [];
  for (const r of resources) {
    for (const m of r.methods) {
      let line = `${r.path} ${m.method} integration=${m.integration} fn=${m.functionId ?? '-'} apiKey=${m.apiKeyRequired} authorizer=${m.authorizer ?? '-'}`;
      if (m.integration === 'mock') {
        line += ` status=${m.mockStatus} headers=${m.mockHeaders
          .map((h) => `${h.name}=${JSON.stringify(h.expression)}`)
          .sort()
          .join(';')}`;
      }
      out.push(line);
    }
  }
  for (const g of gatewayResponses) {
    out.push(
      `gateway ${g.type} status=${g.statusCode ?? '-'} headers=${g.headers
        .map((h) => `${h.name}=${JSON.stringify(h.expression)}`)
        .sort()
        .join(';')}`,
    );
  }
  return out.sort();
}

export function runFixture(name: string): FixtureResult {
  const input = readFileSync(join(CONFORMANCE_DIR, 'input', `${name}.yaml`), 'utf8');
  const output = JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'output', `${name}.json`), 'utf8'));
  if (name.startsWith('error_')) {
    if (OUT_OF_SCOPE_ERRORS[name]) return { name, ok: true, excluded: OUT_OF_SCOPE_ERRORS[name] };
    try {
      const model = loadTemplate(input, `${name}.yaml`);
      buildDeployment(model);
      return {
        name,
        ok: false,
        reason: `accepted; SAM refuses it: ${String(output.errorMessage).slice(0, 300)}`,
      };
    } catch (e) {
      if (e instanceof TemplateError) return { name, ok: true };
      return { name, ok: false, reason: `crashed: ${(e as Error).stack}` };
    }
  }
  if (EXCLUDED[name]) return { name, ok: true, excluded: EXCLUDED[name] };
  let ours: ReturnType<typeof buildDeployment>;
  let functions: Record<string, unknown> = {};
  try {
    const model = loadTemplate(input, `${name}.yaml`);
    functions = model.functions;
    ours = buildDeployment(model);
  } catch (e) {
    return { name, ok: false, reason: `refused: ${(e as Error).message}` };
  }
  const theirs = new Map<string, string[]>();
  for (const [id, res] of Object.entries(
    output.Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>,
  )) {
    if (res.Type !== 'AWS::ApiGateway::RestApi') continue;
    let body = res.Properties?.Body as Record<string, unknown> | undefined;
    // A RestApi made of AWS::ApiGateway::Method resources (passed through by SAM): read them alike.
    if (body === undefined && hasMethodResources(output))
      body = bodyFromMethods(loadTemplate(JSON.stringify(output), `${name}.json`), id)?.body;
    if (!body || typeof body !== 'object' || !('paths' in body)) {
      theirs.set(id, []);
      continue;
    }
    const read = readBody(body);
    for (const r of read.resources)
      for (const m of r.methods) m.functionId = canonicalFunctionId(m.functionId, functions);
    theirs.set(id, facts(read.resources, read.gatewayResponses));
  }
  const problems: string[] = [];
  for (const api of ours.apis) {
    const t = theirs.get(api.logicalId);
    if (!t) {
      problems.push(`we model API ${api.logicalId}; SAM output has no such RestApi`);
      continue;
    }
    const o = facts(api.resources, api.gatewayResponses);
    const missing = t.filter((x) => !o.includes(x));
    const extra = o.filter((x) => !t.includes(x));
    for (const m of missing) problems.push(`${api.logicalId}: SAM has: ${m}`);
    for (const m of extra) problems.push(`${api.logicalId}: we have: ${m}`);
    theirs.delete(api.logicalId);
  }
  for (const id of theirs.keys()) problems.push(`SAM output has RestApi ${id}; we do not model it`);
  return problems.length ? { name, ok: false, reason: problems.join('\n    ') } : { name, ok: true };
}

function hasMethodResources(output: { Resources: Record<string, { Type: string }> }): boolean {
  return Object.values(output.Resources).some((r) => r.Type === 'AWS::ApiGateway::Method');
}

export function fixtureNames(): string[] {
  if (!existsSync(join(CONFORMANCE_DIR, 'input'))) return [];
  return readdirSync(join(CONFORMANCE_DIR, 'input'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}
