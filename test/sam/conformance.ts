/**
 * Compares crossgate's deployment model with the SAM translator's real output for every fixture in
 * ../shared/conformance/sam (aws/serverless-application-model tests/translator). Both sides are read
 * by the same reader (readBody), so what is compared is SAM's transform, not our reading of it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bodyFromMethods } from '../../src/sam/cfn-methods.js';
import { buildDeployment, readBody } from '../../src/sam/deployment.js';
import { canonicalFunctionId } from '../../src/sam/function-refs.js';
import { readHttpBody } from '../../src/sam/http-api.js';
import type { DeployedGatewayResponse, DeployedResource } from '../../src/sam/model.js';
import { TemplateError } from '../../src/template/errors.js';
import { loadTemplate } from '../../src/template/load.js';

/**
 * Where the fixtures are: $CROSSGATE_CONFORMANCE_DIR, else `shared/conformance/sam` beside the
 * checkout or any folder above it, or beside the repository this checkout was cloned from. The HTTP
 * API and Function URL fixtures sit beside it in `sam-http`.
 */
function findConformanceDir(folder = 'sam'): string {
  const fromEnv = process.env.CROSSGATE_CONFORMANCE_DIR;
  if (fromEnv) return folder === 'sam' ? fromEnv : join(fromEnv, '..', folder);
  const root = join(import.meta.dirname, '../..');
  // A clone made elsewhere (CI clones the checkout) still knows where it came from.
  const origin = spawnSync('git', ['-C', root, 'config', '--get', 'remote.origin.url'], {
    encoding: 'utf8',
  }).stdout?.trim();
  const starts = [root, ...(origin && existsSync(origin) ? [origin] : [])];
  for (const start of starts) {
    let dir = start;
    for (let i = 0; i < 6; i++) {
      const candidate = join(dir, '..', 'shared', 'conformance', folder);
      if (existsSync(join(candidate, 'input'))) return candidate;
      dir = join(dir, '..');
    }
  }
  return join(import.meta.dirname, '../../../shared/conformance', folder);
}

export const CONFORMANCE_DIR = findConformanceDir();
export const HTTP_CONFORMANCE_DIR = findConformanceDir('sam-http');

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
export const EXCLUDED: Record<string, string> = {};

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

export function fixtureNames(dir = CONFORMANCE_DIR): string[] {
  if (!existsSync(join(dir, 'input'))) return [];
  return readdirSync(join(dir, 'input'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Error fixtures crossgate refuses in its own words (an earlier layer refuses first), each with why. */
const HTTP_OWN_WORDS: Record<string, string> = {
  error_api_event_ref_http_api:
    'the template reader refuses an Api event aimed at an HttpApi, naming both types',
  error_implicit_http_api_properties:
    "the template reader refuses an event's Properties that are not a mapping",
  error_http_api_with_invalid_auth_while_method_auth_is_none:
    "the REST API's list Auth in the same template is refused first (SAM lists both)",
};

/** HTTP API and Function URL error fixtures about things crossgate does not model, by name. */
export const HTTP_OUT_OF_SCOPE_ERRORS: Record<string, string> = {
  error_http_api_invalid_basepath_type: DOMAINS,
  error_httpapi_mtls_configuration_invalid_field: DOMAINS,
  error_httpapi_mtls_configuration_invalid_type: DOMAINS,
};

/**
 * JSON with sorted keys, so that two equal documents print the same. An authorizer's identity
 * sources are a set to API Gateway (every one must be present); the translator's fixture lists them
 * in another order than its code writes them (http_api_lambda_auth_full), so they compare sorted.
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, (k, v) =>
    k === 'identitySource' && Array.isArray(v)
      ? [...v].sort()
      : v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, (v as Record<string, unknown>)[k]]),
          )
        : v,
  );
}

/** What an HTTP API's OpenAPI body deploys: routes, authorizers, CORS, as facts to compare. */
function httpFacts(body: Record<string, unknown>, functions: Record<string, unknown>): string[] {
  const read = readHttpBody(body, { functions });
  const out: string[] = [];
  for (const r of read.resources)
    for (const m of r.methods)
      out.push(
        `${r.path} ${m.method} integration=${m.integration} fn=${m.functionId ?? '-'} payload=${m.payloadFormatVersion ?? '-'} auth=${m.authorizer ?? '-'}${m.authorizationScopes.length ? canonical(m.authorizationScopes) : ''} timeout=${m.timeoutMs ?? '-'}`,
      );
  const schemes =
    (body.components as Record<string, Record<string, unknown>> | undefined)?.securitySchemes ?? {};
  for (const [name, scheme] of Object.entries(schemes)) out.push(`scheme ${name} ${canonical(scheme)}`);
  if (body['x-amazon-apigateway-cors'] !== undefined)
    out.push(`cors ${canonical(body['x-amazon-apigateway-cors'])}`);
  return out.sort();
}

/**
 * Compares crossgate's HTTP APIs and Function URLs with the SAM translator's output for one fixture
 * of ../shared/conformance/sam-http: each AWS::ApiGatewayV2::Api body (read by the same readHttpBody),
 * its stage, and each AWS::Lambda::Url.
 */
export function runHttpFixture(name: string): FixtureResult {
  const input = readFileSync(join(HTTP_CONFORMANCE_DIR, 'input', `${name}.yaml`), 'utf8');
  const output = JSON.parse(readFileSync(join(HTTP_CONFORMANCE_DIR, 'output', `${name}.json`), 'utf8'));
  if (name.startsWith('error_')) {
    if (HTTP_OUT_OF_SCOPE_ERRORS[name]) return { name, ok: true, excluded: HTTP_OUT_OF_SCOPE_ERRORS[name] };
    try {
      buildDeployment(loadTemplate(input, `${name}.yaml`));
      return {
        name,
        ok: false,
        reason: `accepted; SAM refuses it: ${String(output.errorMessage).slice(0, 300)}`,
      };
    } catch (e) {
      if (!(e instanceof TemplateError)) return { name, ok: false, reason: `crashed: ${(e as Error).stack}` };
      // The refusal is SAM's own sentence (after crossgate's `Resource:` or `Function event E:` prefix).
      const words = e.detail.replace(/^[A-Za-z0-9]+( event [A-Za-z0-9]+)?: /, '');
      if (HTTP_OWN_WORDS[name] || String(output.errorMessage).includes(words)) return { name, ok: true };
      return { name, ok: false, reason: `refused, not in SAM's words: ${e.detail}` };
    }
  }
  let ours: ReturnType<typeof buildDeployment>;
  let model: ReturnType<typeof loadTemplate>;
  try {
    model = loadTemplate(input, `${name}.yaml`);
    ours = buildDeployment(model);
  } catch (e) {
    return { name, ok: false, reason: `refused: ${(e as Error).message}` };
  }
  const theirs = new Map<string, string[]>();
  const resources = output.Resources as Record<
    string,
    { Type: string; Properties?: Record<string, unknown> }
  >;
  for (const [id, res] of Object.entries(resources)) {
    if (res.Type === 'AWS::ApiGatewayV2::Api') {
      const body = res.Properties?.Body as Record<string, unknown> | undefined;
      theirs.set(id, body ? httpFacts(body, model.functions) : ['no inline body']);
    }
  }
  for (const res of Object.values(resources)) {
    if (res.Type !== 'AWS::ApiGatewayV2::Stage') continue;
    const api = (res.Properties?.ApiId as { Ref?: string } | undefined)?.Ref;
    if (api && theirs.has(api)) theirs.get(api)!.push(`stage ${canonical(res.Properties?.StageName)}`);
  }
  const problems: string[] = [];
  for (const api of ours.httpApis) {
    const t = theirs.get(api.logicalId);
    if (!t) {
      problems.push(`we model HTTP API ${api.logicalId}; SAM output has no such AWS::ApiGatewayV2::Api`);
      continue;
    }
    const stageRaw = (model.root.Resources as Record<string, { Properties?: Record<string, unknown> }>)[
      api.logicalId
    ]?.Properties?.StageName;
    const o = [
      ...(api.body ? httpFacts(api.body, model.functions) : ['no inline body']),
      `stage ${canonical(stageRaw ?? '$default')}`,
    ];
    for (const m of t.filter((x) => !o.includes(x))) problems.push(`${api.logicalId}: SAM has: ${m}`);
    for (const m of o.filter((x) => !t.includes(x))) problems.push(`${api.logicalId}: we have: ${m}`);
    theirs.delete(api.logicalId);
  }
  for (const id of theirs.keys())
    problems.push(`SAM output has AWS::ApiGatewayV2::Api ${id}; we do not model it`);

  const urlFact = (id: string, target: string, auth: unknown, cors: unknown, invoke: unknown) =>
    `url ${id} target=${target} auth=${canonical(auth)} cors=${canonical(cors ?? null)} invoke=${canonical(invoke ?? null)}`;
  const theirUrls: string[] = [];
  for (const [id, res] of Object.entries(resources)) {
    if (res.Type !== 'AWS::Lambda::Url') continue;
    const p = res.Properties ?? {};
    const target = p.TargetFunctionArn as Record<string, unknown>;
    const fn =
      typeof target?.Ref === 'string'
        ? target.Ref
        : Array.isArray(target?.['Fn::GetAtt'])
          ? String(target['Fn::GetAtt'][0])
          : canonical(target);
    theirUrls.push(
      urlFact(id, canonicalFunctionId(fn, model.functions) ?? fn, p.AuthType, p.Cors, p.InvokeMode),
    );
  }
  const ourUrls = ours.functionUrls.map((u) => {
    const config = model.functions[u.functionId].properties.FunctionUrlConfig as Record<string, unknown>;
    return urlFact(u.logicalId, u.functionId, config.AuthType, config.Cors || undefined, config.InvokeMode);
  });
  for (const m of theirUrls.filter((x) => !ourUrls.includes(x))) problems.push(`SAM has: ${m}`);
  for (const m of ourUrls.filter((x) => !theirUrls.includes(x))) problems.push(`we have: ${m}`);
  return problems.length ? { name, ok: false, reason: problems.join('\n    ') } : { name, ok: true };
}
