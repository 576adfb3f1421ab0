import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildFailure, build, type Message, type Metafile, type Plugin } from 'esbuild';
import { findHandlerFile, type HandlerRef, inlineCodeFormat, isTypeScript, moduleFormat } from './handler.js';
import { nodeLayerPaths } from './node-layers.js';
import type { FunctionSpec } from './types.js';

/** What a worker imports, and the source files whose change should reload it. */
export interface Prepared {
  ok: true;
  entry: string;
  source: string;
  inputs: string[];
}

export interface PrepareFailure {
  ok: false;
  kind: 'load' | 'missing';
  errorType: string;
  message: string;
  /** Files whose appearance or change may fix it. */
  watch: string[];
}

const SKIP = { crossgateSkip: true };

/**
 * `crossgate/lambda[/x]` → this repository's `src/lambda/x.ts` (or the compiled `.js` next to the
 * compiled runtime) when it exists, so handlers import the library without installing it.
 */
function crossgateAlias(specifier: string): string | undefined {
  const match = /^crossgate\/lambda(?:\/(.+))?$/.exec(specifier);
  if (!match) return undefined;
  const base = fileURLToPath(new URL(`../lambda/${match[1] ?? 'index'}`, import.meta.url));
  for (const ext of ['.ts', '.js']) if (existsSync(base + ext)) return base + ext;
  return undefined;
}

/**
 * Packages stay outside the bundle, imported at run time from where they are installed next to the
 * handler (esbuild resolves them from the importing file with the right `exports` conditions; the
 * bundle then imports that absolute path, so it works from the cache folder). Local files, tsconfig
 * `paths` and `crossgate/lambda` are bundled. In a CommonJS bundle an `import` statement becomes a
 * require() call, so it resolves with the "require" condition, as tsc's output for a .cts file would.
 */
const externalPackages = (format: 'esm' | 'cjs'): Plugin => ({
  name: 'crossgate-external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === SKIP) return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      const alias = crossgateAlias(args.path);
      if (alias) return { path: alias };
      const found = await b.resolve(args.path, {
        kind: format === 'cjs' && args.kind === 'import-statement' ? 'require-call' : args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: SKIP,
      });
      // Unresolvable: leave the bare name, so loading fails as Lambda's would (Runtime.ImportModuleError).
      if (found.errors.length > 0) return { path: args.path, external: true };
      if (found.path.includes(`${sep}node_modules${sep}`)) return { path: found.path, external: true };
      return undefined;
    });
  },
});

/** A path as a user would click it: relative to the working directory when under it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function describeEsbuildErrors(errors: Message[], codeDir: string): { errorType: string; message: string } {
  const first = errors[0];
  const where = first?.location
    ? `${displayPath(resolve(codeDir, first.location.file))}:${first.location.line}:${first.location.column + 1}: `
    : '';
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  const text = first?.text ?? 'build failed';
  return {
    errorType: text.startsWith('Could not resolve')
      ? 'Runtime.ImportModuleError'
      : 'Runtime.UserCodeSyntaxError',
    message: `${where}${text}${more}`,
  };
}

function inputsOf(metafile: Metafile | undefined, codeDir: string, fallback: string): string[] {
  if (!metafile) return [fallback];
  const files = Object.keys(metafile.inputs)
    .filter((input) => !input.includes(':') || isAbsolute(input))
    .map((input) => resolve(codeDir, input))
    .filter((input) => !input.includes(`${sep}node_modules${sep}`));
  return files.length > 0 ? files : [fallback];
}

/**
 * Finds the handler's file and makes it importable by a worker: JavaScript as it is (Node loads CJS or
 * ESM by extension and package.json `type`), TypeScript bundled by esbuild into `outDir`.
 */
export async function prepare(
  spec: FunctionSpec,
  ref: HandlerRef,
  outDir: string,
  generation: number,
  watch: boolean,
): Promise<Prepared | PrepareFailure> {
  const safeId = spec.id.replace(/[^\w.-]/g, '_');
  if (spec.inlineCode !== undefined) {
    // CloudFormation writes InlineCode (the template's ZipFile) to a file named index (AWS CloudFormation
    // docs: AWS::Lambda::Function Code): a Handler naming another module finds none, as in Lambda.
    if (ref.modulePath !== 'index')
      return {
        ok: false,
        kind: 'missing',
        errorType: 'Runtime.ImportModuleError',
        message: `Error: Cannot find module '${ref.modulePath}' (InlineCode is the file index.js, as CloudFormation writes it: Handler must be index.<function>, not ${spec.handler})`,
        watch: [],
      };
    const format = inlineCodeFormat(spec.inlineCode);
    const entry = join(
      outDir,
      `${safeId}-inline-${generation}`,
      ref.modulePath + (format === 'esm' ? '.mjs' : '.cjs'),
    );
    mkdirSync(dirname(entry), { recursive: true });
    writeFileSync(entry, spec.inlineCode);
    return { ok: true, entry, source: `${spec.id} InlineCode`, inputs: [] };
  }

  const { file, tried } = findHandlerFile(spec.codeDir, ref.modulePath);
  if (!file) {
    return {
      ok: false,
      kind: 'missing',
      errorType: 'Runtime.ImportModuleError',
      message: `Error: Cannot find module '${ref.modulePath}' (no ${ref.modulePath}{${tried.map((t) => t.slice(t.lastIndexOf('.'))).join(',')}} in ${displayPath(spec.codeDir)})`,
      watch: tried,
    };
  }

  const format = moduleFormat(file);
  const layered = nodeLayerPaths(spec);
  // An ES module's imports do not read NODE_PATH (Node.js docs: "Modules: ECMAScript modules", no
  // NODE_PATH), yet Lambda's runtime finds its packages in Layers too (since nodejs18.x: AWS re:Post
  // "lambda-import-module-error-nodejs"): with Layers, it is bundled as TypeScript is, its packages
  // resolved through them.
  if (!isTypeScript(file) && !(format === 'esm' && layered.length > 0)) {
    if (!watch) return { ok: true, entry: file, source: file, inputs: [file] };
    // Only to learn which local files the handler reads, for the watcher; Node loads the file itself.
    try {
      const result = await build({
        entryPoints: [file],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'node',
        format,
        packages: 'external',
        absWorkingDir: spec.codeDir,
        logLevel: 'silent',
      });
      return { ok: true, entry: file, source: file, inputs: inputsOf(result.metafile, spec.codeDir, file) };
    } catch {
      return { ok: true, entry: file, source: file, inputs: [file] };
    }
  }

  const outfile = join(outDir, `${safeId}-${generation}${format === 'esm' ? '.mjs' : '.cjs'}`);
  try {
    const result = await build({
      entryPoints: [file],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format,
      sourcemap: 'inline',
      keepNames: true,
      metafile: true,
      absWorkingDir: spec.codeDir,
      logLevel: 'silent',
      nodePaths: layered,
      plugins: [externalPackages(format)],
      // esbuild's require() shim needs a real `require` in an ES module bundle.
      banner:
        format === 'esm'
          ? {
              js: "import { createRequire as __crossgateCreateRequire } from 'node:module'; const require = __crossgateCreateRequire(import.meta.url);",
            }
          : {},
    });
    return { ok: true, entry: outfile, source: file, inputs: inputsOf(result.metafile, spec.codeDir, file) };
  } catch (error) {
    const errors = (error as BuildFailure).errors ?? [];
    const described =
      errors.length > 0
        ? describeEsbuildErrors(errors, spec.codeDir)
        : { errorType: 'Runtime.UserCodeSyntaxError', message: String(error) };
    const watchFiles = [
      file,
      ...errors.flatMap((e) => (e.location ? [resolve(spec.codeDir, e.location.file)] : [])),
    ];
    return { ok: false, kind: 'load', ...described, watch: [...new Set(watchFiles)] };
  }
}

/**
 * Where a JavaScript syntax error is. Node does not put the position of an ES module's syntax error in the
 * error it throws, so the handler and its local imports are parsed again by esbuild to find it.
 */
export async function locateSyntaxError(file: string, codeDir: string): Promise<string | undefined> {
  try {
    await build({
      entryPoints: [file],
      bundle: true,
      write: false,
      platform: 'node',
      format: moduleFormat(file),
      packages: 'external',
      absWorkingDir: codeDir,
      logLevel: 'silent',
    });
    return undefined;
  } catch (error) {
    const location = (error as BuildFailure).errors?.find((e) => e.location)?.location;
    if (!location) return undefined;
    return `${displayPath(resolve(codeDir, location.file))}:${location.line}:${location.column + 1}`;
  }
}

const workerScripts = new Map<string, Promise<string>>();

/**
 * The worker's script. Compiled (dist/runtime/worker.js) when this module is; when running from the
 * TypeScript sources (tests, tsx) it is bundled once into `outDir`.
 */
export function workerScript(outDir: string): Promise<string> {
  const here = fileURLToPath(import.meta.url);
  if (!isTypeScript(here)) return Promise.resolve(join(dirname(here), 'worker.js'));
  let script = workerScripts.get(outDir);
  if (!script) {
    const outfile = join(outDir, 'worker.mjs');
    script = build({
      entryPoints: [join(dirname(here), 'worker.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      logLevel: 'silent',
    }).then(() => outfile);
    workerScripts.set(outDir, script);
  }
  return script;
}
