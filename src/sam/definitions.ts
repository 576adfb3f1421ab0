/**
 * OpenAPI documents kept in files beside the template, read as `sam package` reads them: a local
 * `DefinitionUri` (AWS::Serverless::Api) or `BodyS3Location` (AWS::ApiGateway::RestApi), which
 * `sam package` uploads and API Gateway imports as written, and a local `Location` of
 * `Fn::Transform: AWS::Include` in `DefinitionBody`/`Body`, which CloudFormation inserts before the
 * SAM transform runs, so SAM's Cors, Auth and events apply to it (SAM docs: "How AWS SAM uploads
 * local files"; CloudFormation docs: "AWS::Include transform"). The caller gives the file reader:
 * this module does no I/O of its own.
 */
import { dirname, join, normalize } from 'node:path';
import { TemplateError } from '../template/errors.js';
import { isMap } from '../template/load.js';
import type { ApiModel } from '../template/model.js';
import { type DuplicateKey, parseTemplate, posOf } from '../template/parse.js';
import type { Pos } from '../template/position.js';

/** Reads a file by absolute path; undefined when there is no such file. */
export type ReadFile = (absolutePath: string) => string | undefined;

export type Definition =
  /** Read from a local file: the document, and the file's name as positions carry it. */
  | {
      kind: 'file';
      doc: Record<string, unknown>;
      file: string;
      source: string;
      via: 'include' | 'uri';
      /** Keys the file writes twice (sam package reads it with PyYAML too: the last wins; CG130). */
      duplicateKeys: DuplicateKey[];
    }
  /** Named but not read (an S3 location, a computed one): why, said plainly. */
  | { kind: 'unread'; note: string }
  /** Nothing to read: the definition is inline or SAM generates it. */
  | { kind: 'none' };

export interface DefinitionContext {
  /** The template's name as positions carry it (relative to where the user stands). */
  templateFile: string;
  /** The template's folder, absolute: locations are relative to it. */
  baseDir: string;
  /** Absent: local files are named in a note, not read (the model is built from text alone). */
  readFile: ReadFile | undefined;
  resolve: (v: unknown) => unknown;
}

/** The `Location` of a `Fn::Transform: AWS::Include`, or undefined when `value` is no such transform. */
function includeLocation(value: unknown): { location: unknown; pos: Pos | undefined } | undefined {
  if (!isMap(value) || Object.keys(value).length !== 1) return undefined;
  const t = value['Fn::Transform'];
  if (!isMap(t) || t.Name !== 'AWS::Include') return undefined;
  const params = isMap(t.Parameters) ? t.Parameters : {};
  return { location: params.Location, pos: posOf(params, 'Location') ?? posOf(value, 'Fn::Transform') };
}

export function isInclude(value: unknown): boolean {
  return includeLocation(value) !== undefined;
}

/**
 * The document an `AWS::Include` in `value` (a DefinitionBody) inserts, for an API of any kind:
 * `none` when `value` is no include.
 */
export function readIncluded(apiId: string, value: unknown, ctx: DefinitionContext): Definition {
  const include = includeLocation(value);
  if (!include) return { kind: 'none' };
  return readLocation(apiId, 'AWS::Include Location', include.location, include.pos, 'include', ctx);
}

/** The OpenAPI document an API reads from a file, if it reads one. */
export function readDefinition(api: ApiModel, ctx: DefinitionContext): Definition {
  const body = api.definitionBody;
  const include = includeLocation(body);
  if (include)
    return readLocation(
      api.logicalId,
      'AWS::Include Location',
      include.location,
      include.pos,
      'include',
      ctx,
    );
  const uriKey = api.kind === 'cloudformation' ? 'BodyS3Location' : 'DefinitionUri';
  const uri = api.kind === 'cloudformation' ? api.properties.BodyS3Location : api.definitionUri;
  if (uri !== undefined && body === undefined)
    return readLocation(api.logicalId, uriKey, uri, posOf(api.properties, uriKey), 'uri', ctx);
  return { kind: 'none' };
}

function readLocation(
  apiId: string,
  what: string,
  raw: unknown,
  pos: Pos | undefined,
  via: 'include' | 'uri',
  ctx: DefinitionContext,
): Definition {
  const value = isMap(raw) && !('Bucket' in raw) ? ctx.resolve(raw) : raw;
  if (isMap(value)) {
    // { Bucket, Key, Version }: an object already in S3.
    return {
      kind: 'unread',
      note: `${apiId} reads its OpenAPI from S3 (${what} ${JSON.stringify(value)}); crossgate reads local files only, so its methods are not modelled`,
    };
  }
  if (typeof value !== 'string' || value === '') {
    return {
      kind: 'unread',
      note: `${apiId}: the ${what} is computed when the stack deploys; crossgate cannot read it, so its methods are not modelled`,
    };
  }
  if (/^s3:\/\//i.test(value) || /^https?:\/\//i.test(value)) {
    return {
      kind: 'unread',
      note: `${apiId} reads its OpenAPI from ${value} (${what}); crossgate reads local files only, so its methods are not modelled`,
    };
  }
  const absolute = join(ctx.baseDir, value);
  const file = normalize(join(dirname(ctx.templateFile), value));
  if (!ctx.readFile)
    return {
      kind: 'unread',
      note: `${apiId} reads its OpenAPI from ${file} (${what}), which was not read`,
    };
  const source = ctx.readFile(absolute);
  if (source === undefined) {
    throw new TemplateError(
      `${apiId}: ${what} '${value}' names no file (looked for ${file}); sam package refuses a local path that does not exist`,
      pos,
    );
  }
  const { root, duplicateKeys } = parseTemplate(source, file);
  if (!isMap(root))
    throw new TemplateError(`${file} is not an OpenAPI document (a mapping with 'paths')`, {
      file,
      line: 1,
      col: 1,
    });
  return { kind: 'file', doc: root, file, source, via, duplicateKeys };
}
