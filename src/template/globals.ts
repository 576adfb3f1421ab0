/**
 * The `Globals` section, merged into resources as SAM's globals plugin does
 * (samtranslator/plugins/globals/globals.py; SAM docs "Globals section of the AWS SAM template"):
 * - values of different kinds: the resource's value wins;
 * - two scalars (an intrinsic function counts as a scalar): the resource's value wins;
 * - two mappings: merged key by key, recursively;
 * - two lists: the global list, then the resource's.
 * Positions travel with the values, so a merged `Cors` still points at the line that set each key.
 */
import { TemplateError } from './errors.js';
import { isIntrinsic } from './intrinsics.js';
import { copyPositions, keyPosOf, nodePos, posOf, setOwn, setPos } from './parse.js';

/** The properties each resource type takes from Globals (as SAM lists them). */
export const GLOBAL_PROPERTIES: Record<string, readonly string[]> = {
  Function: [
    'Handler',
    'Runtime',
    'CodeUri',
    'DeadLetterQueue',
    'Description',
    'MemorySize',
    'Timeout',
    'VpcConfig',
    'Environment',
    'Tags',
    'PropagateTags',
    'Tracing',
    'KmsKeyArn',
    'AutoPublishAlias',
    'AutoPublishAliasAllProperties',
    'Layers',
    'DeploymentPreference',
    'RolePath',
    'PermissionsBoundary',
    'ReservedConcurrentExecutions',
    'ProvisionedConcurrencyConfig',
    'AssumeRolePolicyDocument',
    'EventInvokeConfig',
    'FileSystemConfigs',
    'CodeSigningConfigArn',
    'Architectures',
    'SnapStart',
    'EphemeralStorage',
    'FunctionUrlConfig',
    'RuntimeManagementConfig',
    'LoggingConfig',
    'RecursiveLoop',
    'SourceKMSKeyArn',
    'TenancyConfig',
    'DurableConfig',
    'CapacityProviderConfig',
    'FunctionScalingConfig',
    'PublishToLatestPublished',
    'VersionDeletionPolicy',
  ],
  Api: [
    'Auth',
    'Name',
    'DefinitionUri',
    'CacheClusterEnabled',
    'CacheClusterSize',
    'MergeDefinitions',
    'Variables',
    'EndpointConfiguration',
    'MethodSettings',
    'BinaryMediaTypes',
    'MinimumCompressionSize',
    'Cors',
    'GatewayResponses',
    'AccessLogSetting',
    'CanarySetting',
    'TracingEnabled',
    'OpenApiVersion',
    'Domain',
    'AlwaysDeploy',
    'PropagateTags',
    'SecurityPolicy',
    'EndpointAccessMode',
  ],
  HttpApi: [
    'Auth',
    'AccessLogSettings',
    'StageVariables',
    'Tags',
    'CorsConfiguration',
    'DefaultRouteSettings',
    'Domain',
    'CorsConfiguration',
    'PropagateTags',
    'RouteSettings',
    'FailOnWarnings',
    'DisableExecuteApiEndpoint',
  ],
  SimpleTable: ['SSESpecification'],
  StateMachine: ['PropagateTags'],
  LayerVersion: ['PublishLambdaVersion'],
  CapacityProvider: [],
  WebSocketApi: [],
};

type Kind = 'scalar' | 'map' | 'list';
function kindOf(v: unknown): Kind {
  if (Array.isArray(v)) return 'list';
  if (v !== null && typeof v === 'object' && !isIntrinsic(v)) return 'map';
  return 'scalar';
}

/** Merges a global value with a resource's value, by SAM's rules. */
export function mergeGlobal(globalValue: unknown, localValue: unknown): unknown {
  const g = kindOf(globalValue);
  const l = kindOf(localValue);
  if (g !== l || g === 'scalar') return localValue;
  if (g === 'list') {
    const out = [...(globalValue as unknown[]), ...(localValue as unknown[])];
    const gl = (globalValue as unknown[]).length;
    out.forEach((_, i) => {
      const p = i < gl ? posOf(globalValue, i) : posOf(localValue, i - gl);
      if (p) setPos(out, i, p);
    });
    return out;
  }
  const gm = globalValue as Record<string, unknown>;
  const lm = localValue as Record<string, unknown>;
  const out = copyPositions(gm, { ...gm });
  for (const [key, v] of Object.entries(lm)) {
    setOwn(out, key, Object.hasOwn(gm, key) ? mergeGlobal(gm[key], v) : v);
    const p = posOf(lm, key);
    if (p) setPos(out, key, p, keyPosOf(lm, key));
  }
  return out;
}

/** Validates the Globals section; returns it as a map from resource kind (`Function`, `Api`, …) to properties. */
export function readGlobals(root: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const section = root.Globals;
  if (section === undefined || section === null) return {};
  if (typeof section !== 'object' || Array.isArray(section)) {
    throw new TemplateError(
      "'Globals' must be a mapping of resource kinds (Function, Api, …)",
      posOf(root, 'Globals'),
    );
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const [kind, props] of Object.entries(section as Record<string, unknown>)) {
    const allowed = Object.hasOwn(GLOBAL_PROPERTIES, kind) ? GLOBAL_PROPERTIES[kind] : undefined;
    if (!allowed) {
      throw new TemplateError(
        `'Globals' has no section '${kind}'; SAM accepts ${Object.keys(GLOBAL_PROPERTIES).join(', ')}`,
        keyPosOf(section, kind),
      );
    }
    if (props === null || typeof props !== 'object' || Array.isArray(props)) {
      throw new TemplateError(`'Globals.${kind}' must be a mapping of properties`, posOf(section, kind));
    }
    for (const prop of Object.keys(props)) {
      if (!allowed.includes(prop)) {
        const hint =
          kind === 'Api' && prop === 'StageName' ? ' (SAM does not take StageName from Globals)' : '';
        throw new TemplateError(
          `'${prop}' is not a property SAM reads from Globals.${kind}${hint}`,
          keyPosOf(props, prop),
        );
      }
    }
    setOwn(out, kind, props);
  }
  return out;
}

/** Resource properties with the globals for that kind merged in (honouring `IgnoreGlobals`). */
export function withGlobals(
  globals: Record<string, unknown> | undefined,
  properties: Record<string, unknown>,
  ignore: unknown,
): Record<string, unknown> {
  if (!globals) return properties;
  if (ignore === '*') return properties;
  let g = globals;
  if (Array.isArray(ignore)) {
    g = copyPositions(globals, { ...globals });
    for (const k of ignore) delete g[String(k)];
  }
  const merged = mergeGlobal(g, properties) as Record<string, unknown>;
  if (!nodePos(merged) && nodePos(properties)) copyPositions(properties, merged);
  return merged;
}
