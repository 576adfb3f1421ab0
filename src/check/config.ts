/**
 * crossgate's configuration beside a template: `crossgate.config.json`, or a `crossgate` section of
 * `package.json`, with the origins the web app is served from:
 *
 *   { "origins": ["https://app.example.com"] }
 *
 * Origins declared here are used as `--origin` is, and say that every API of the template is called
 * from pages on those origins. The reader is given: this module does no I/O of its own.
 */
import { join } from 'node:path';
import { TemplateError } from '../template/errors.js';
import { normalizeOrigin } from './rules/malformed-origin.js';

export interface CrossgateConfig {
  origins: string[];
  /** The file the configuration came from, as given to the reader. */
  file: string;
}

export const CONFIG_FILE = 'crossgate.config.json';

/**
 * The configuration in `dir` (the template's folder): crossgate.config.json first, then the
 * `crossgate` section of package.json. Undefined when neither says anything.
 */
export function readConfig(
  dir: string,
  readFile: (path: string) => string | undefined,
  shown: (path: string) => string = (p) => p,
): CrossgateConfig | undefined {
  const own = join(dir, CONFIG_FILE);
  const ownText = readFile(own);
  if (ownText !== undefined) return parseConfig(parseJson(ownText, shown(own)), shown(own), '');
  const pkg = join(dir, 'package.json');
  const pkgText = readFile(pkg);
  if (pkgText === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(pkgText);
  } catch {
    return undefined; // not crossgate's file to judge
  }
  const section =
    json !== null && typeof json === 'object' ? (json as Record<string, unknown>).crossgate : undefined;
  if (section === undefined) return undefined;
  return parseConfig(section, shown(pkg), 'crossgate.');
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TemplateError(`${file} is not JSON: ${(error as Error).message}`, { file, line: 1, col: 1 });
  }
}

function parseConfig(value: unknown, file: string, prefix: string): CrossgateConfig {
  const at = { file, line: 1, col: 1 };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TemplateError(
      `${prefix || 'the configuration'} must be an object such as { "origins": [...] }`,
      at,
    );
  const origins = (value as Record<string, unknown>).origins ?? [];
  if (!Array.isArray(origins) || origins.some((o) => typeof o !== 'string'))
    throw new TemplateError(`${prefix}origins must be a list of origins ("https://app.example.com")`, at);
  for (const o of origins as string[]) {
    const normal = normalizeOrigin(o);
    if (normal !== o)
      throw new TemplateError(
        `${prefix}origins: '${o}' is not an origin as a browser sends it (scheme://host[:port], no path)${normal ? `; did you mean '${normal}'?` : ''}`,
        at,
      );
  }
  return { origins: origins as string[], file };
}
