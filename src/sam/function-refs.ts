/** Which function of the template an integration names, as SAM and API Gateway read it. */
import { refTarget } from '../template/load.js';
import { isRecord } from './swagger.js';

/** The function a Lambda integration URI names: `${Fn.Arn}` in Fn::Sub, or Fn::GetAtt [Fn, Arn]. */
export function functionFromUri(uri: unknown): string | undefined {
  if (typeof uri === 'string') return undefined;
  if (!isRecord(uri)) return undefined;
  if ('Fn::Sub' in uri) {
    const s = Array.isArray(uri['Fn::Sub']) ? uri['Fn::Sub'][0] : uri['Fn::Sub'];
    if (typeof s === 'string') {
      const m = /functions\/\$\{([A-Za-z0-9]+)(?:\.(?:Arn|Alias))?\}/.exec(s);
      if (m) return m[1];
    }
  }
  if ('Fn::If' in uri && Array.isArray(uri['Fn::If'])) {
    for (const b of uri['Fn::If'].slice(1)) {
      const f = functionFromUri(b);
      if (f) return f;
    }
  }
  if ('Fn::Join' in uri && Array.isArray(uri['Fn::Join']) && Array.isArray(uri['Fn::Join'][1])) {
    // Only the part that follows `…/functions/` names the function: `!Ref AWS::Region` or a queue's
    // name in an SQS or SageMaker service URI is not one (serverless-patterns apigw-sqs-rest).
    const parts: unknown[] = uri['Fn::Join'][1];
    for (const [i, part] of parts.entries()) {
      const before = parts[i - 1];
      if (typeof before !== 'string' || !/(?:functions\/|:function:)$/.test(before)) continue;
      if (isRecord(part) && Array.isArray(part['Fn::GetAtt']) && typeof part['Fn::GetAtt'][0] === 'string')
        return part['Fn::GetAtt'][0];
      const r = refTarget(part);
      if (r && isRecord(part) && !r.startsWith('AWS::')) return r;
    }
  }
  return undefined;
}

/** `MyFunctionAliasLive` (the alias SAM makes for AutoPublishAlias) → `MyFunction`. */
export function canonicalFunctionId(
  id: string | undefined,
  functions: Record<string, unknown>,
): string | undefined {
  if (id === undefined || id in functions) return id;
  for (const name of Object.keys(functions)) if (id.startsWith(`${name}Alias`)) return name;
  return id;
}
