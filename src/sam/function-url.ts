/**
 * What `sam deploy` creates for a function's FunctionUrlConfig: an AWS::Lambda::Url named
 * `<Function>Url` with the AuthType, the Cors settings as written, and the InvokeMode
 * (aws/serverless-application-model samtranslator/model/sam_resources.py, _construct_function_url,
 * _validate_function_url_params). SAM's refusals are TemplateErrors at the value to change.
 */
import { TemplateError } from '../template/errors.js';
import { isIntrinsic, Symbolic } from '../template/intrinsics.js';
import { isMap } from '../template/load.js';
import type { TemplateModel } from '../template/model.js';
import { keyPosOf, posOf } from '../template/parse.js';
import type { Pos } from '../template/position.js';
import { CorsConfigurationError, readCors } from './http-api.js';
import type { DeployedFunctionUrl } from './model.js';

/** The Cors properties Lambda takes and the type each must have (SAM's cors_property_data_type). */
const CORS_TYPES: Record<string, 'list' | 'bool' | 'int'> = {
  AllowOrigins: 'list',
  AllowMethods: 'list',
  AllowCredentials: 'bool',
  AllowHeaders: 'list',
  ExposeHeaders: 'list',
  MaxAge: 'int',
};

export function buildFunctionUrls(model: TemplateModel): DeployedFunctionUrl[] {
  const out: DeployedFunctionUrl[] = [];
  for (const fn of Object.values(model.functions)) {
    const config = fn.properties.FunctionUrlConfig;
    if (config === undefined || config === null) continue;
    const id = fn.logicalId;
    const at = posOf(fn.properties, 'FunctionUrlConfig') ?? fn.pos;
    if (!isMap(config))
      throw new TemplateError(`${id}: Type of property 'FunctionUrlConfig' is invalid.`, at);
    if (fn.properties.TenancyConfig !== undefined)
      throw new TemplateError(
        `${id}: Function URL is not supported for functions enabled with tenancy configuration.`,
        at,
      );
    const notes: string[] = [];
    let authType = 'NONE';
    const c = config as Record<string, unknown>;
    if (!isIntrinsic(config)) {
      const auth = c.AuthType;
      if (!(auth && isIntrinsic(auth)) && auth !== 'AWS_IAM' && auth !== 'NONE')
        throw new TemplateError(
          `${id}: AuthType is required to configure function property \`FunctionUrlConfig\`. Please provide either AWS_IAM or NONE.`,
          posOf(c, 'AuthType') ?? at,
        );
      const resolved = model.resolver.resolveString(auth);
      authType = typeof resolved === 'string' ? resolved : String(resolved ?? auth);
      validateCors(id, c.Cors, posOf(c, 'Cors'));
    }
    const cors = isMap(config) && config.Cors ? config.Cors : undefined;
    const deployedCors = cors
      ? readCors(cors, (v) => model.resolver.resolve(v), posOf(config, 'Cors'), true)
      : undefined;
    if (deployedCors?.unresolved) notes.push(`${id}Url: Cors ${deployedCors.unresolved}`);
    if (authType !== 'NONE' && authType !== 'AWS_IAM')
      notes.push(`${id}Url: AuthType is ${authType}, known only at deploy; served as NONE`);
    const invoke = model.resolver.resolveString(config.InvokeMode);
    if (invoke === 'RESPONSE_STREAM')
      notes.push(
        `${id}Url: InvokeMode RESPONSE_STREAM is not modelled: serve invokes ${id} and sends its answer whole (a handler wrapped in awslambda.streamifyResponse does not load)`,
      );
    out.push({
      kind: 'function-url',
      logicalId: `${id}Url`,
      functionId: id,
      authType: authType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE',
      cors: deployedCors,
      invokeMode: invoke instanceof Symbolic ? invoke.text : invoke,
      resources: [
        {
          path: '/',
          methods: [
            {
              method: 'ANY',
              integration: 'aws_proxy',
              functionId: id,
              apiKeyRequired: false,
              authorizer: authType === 'AWS_IAM' ? 'AWS_IAM' : undefined,
              authorizationScopes: [],
              corsPreflight: false,
              mockStatus: undefined,
              mockHeaders: [],
              integrationResponses: [],
              target: undefined,
              condition: fn.condition,
              pos: at,
              eventId: undefined,
              payloadFormatVersion: '2.0',
            },
          ],
        },
      ],
      condition: fn.condition,
      pos: at,
      notes,
    });
  }
  return out;
}

/** SAM's _validate_cors_config_parameter: known keys only, each of its type (intrinsics pass). */
function validateCors(id: string, cors: unknown, at: Pos | undefined): void {
  if (!cors || isIntrinsic(cors)) return;
  if (!isMap(cors))
    throw new CorsConfigurationError(`${id}: Property 'FunctionUrlConfig.Cors' should be a map.`, at);
  for (const [key, value] of Object.entries(cors)) {
    const type = CORS_TYPES[key];
    if (!type)
      throw new CorsConfigurationError(
        `${id}: ${key} is not a valid property for configuring Cors.`,
        keyPosOf(cors, key),
      );
    if (isIntrinsic(value)) continue;
    const ok =
      type === 'list'
        ? Array.isArray(value)
        : type === 'bool'
          ? typeof value === 'boolean'
          : typeof value === 'number' && Number.isInteger(value);
    if (!ok) throw new CorsConfigurationError(`${id}: ${key} must be of type ${type}.`, posOf(cors, key));
  }
}
