/**
 * Python functions (`python3.9` … `python3.14`): a process running crossgate's bootstrap
 * (python/bootstrap.py, standard library only), which speaks the Runtime API as Lambda's Python runtime
 * interface client does, on the interpreter python-interpreter.ts finds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EnvironmentKind, failure, type KindOptions } from './environment.js';
import { layerPaths, ProcessEnvironment, type ProcessPrepared } from './process-environment.js';
import { findPython } from './python-interpreter.js';
import { isDirectory } from './watch.js';

/** The bootstrap, next to this module in the sources and in dist/ (the build copies it). */
export const PYTHON_BOOTSTRAP = fileURLToPath(new URL('./python/bootstrap.py', import.meta.url));

export interface PythonKindOptions extends KindOptions {
  python?: string;
  templateDir?: string;
}

export function pythonKind(options: PythonKindOptions): EnvironmentKind<ProcessPrepared> {
  const { spec } = options;
  const layers = spec.layers ?? [];
  return {
    async prepare(generation) {
      const found = await findPython(spec.runtime ?? 'python3', {
        override: options.python,
        templateDir: options.templateDir,
        codeDir: spec.codeDir,
      });
      if (!found.ok)
        return { ...failure('unsupported', 'Crossgate.PythonNotFound', found.message), watch: [] };
      // InlineCode (the template's ZipFile) is written out as index.py, as CloudFormation writes it: "the
      // index file that CloudFormation creates" (AWS CloudFormation docs: AWS::Lambda::Function Code). A
      // Handler naming another module fails as in Lambda (Runtime.ImportModuleError).
      let codeDir = spec.codeDir;
      if (spec.inlineCode !== undefined) {
        codeDir = join(options.outDir, `${spec.id.replace(/[^\w.-]/g, '_')}-inline-${generation}`);
        mkdirSync(codeDir, { recursive: true });
        writeFileSync(join(codeDir, 'index.py'), spec.inlineCode);
      } else if (!isDirectory(spec.codeDir)) {
        return {
          ...failure(
            'load',
            'Runtime.ImportModuleError',
            `Unable to import module '${spec.handler.split('.')[0]}': CodeUri ${spec.codeDir} is not a folder`,
          ),
          watch: [dirname(spec.codeDir)],
        };
      }
      const args = [
        // Unbuffered output, as the runtime interface client makes it: each print() reaches the log at once.
        '-u',
        // No bytecode written for the function's code, as in Lambda (/var/task is read-only). Python tells
        // a cached .pyc from its source by mtime in whole seconds and size: an edit of the same size within
        // the second would be served stale after a reload. The standard library's and installed packages'
        // own caches are still read.
        '-B',
        PYTHON_BOOTSTRAP,
        ...layers.flatMap((layer) => ['--layer', layer]),
        ...(spec.inlineCode !== undefined ? ['--inline'] : []),
        // Where a .venv would be found, for the note on a module that is not installed; with --python
        // there is none: packages go to that interpreter.
        ...(options.templateDir && !options.python ? ['--template-dir', options.templateDir] : []),
      ];
      return {
        ok: true,
        files: [],
        trees: spec.inlineCode === undefined ? [spec.codeDir, ...layers] : layers,
        codeDir,
        command: found.executable,
        args,
        env: { ...layerPaths(layers), LAMBDA_RUNTIME_DIR: dirname(PYTHON_BOOTSTRAP) },
      };
    },
    start(prepared, events, logStreamName) {
      return new ProcessEnvironment(options, prepared, events, logStreamName);
    },
  };
}
