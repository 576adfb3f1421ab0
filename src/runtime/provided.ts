/**
 * OS-only runtimes (`provided`, `provided.al2`, `provided.al2023`): the function's own `bootstrap` (a Go
 * or Rust binary, a script) runs against the Runtime API. Lambda looks for it in the function's code,
 * then in its Layers (/var/task/bootstrap, then /opt/bootstrap: AWS Lambda docs, "Building a custom
 * runtime for AWS Lambda").
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type EnvironmentKind, failure, type KindOptions } from './environment.js';
import { layerPaths, ProcessEnvironment, type ProcessPrepared } from './process-environment.js';

export function providedKind(options: KindOptions): EnvironmentKind<ProcessPrepared> {
  const { spec } = options;
  const layers = spec.layers ?? [];
  return {
    async prepare() {
      // A later layer's /opt/bootstrap overwrites an earlier one's.
      const candidates = [
        join(spec.codeDir, 'bootstrap'),
        ...[...layers].reverse().map((l) => join(l, 'bootstrap')),
      ];
      const bootstrap = candidates.find((file) => existsSync(file));
      if (!bootstrap) {
        // Lambda's own words for it, then what to do when CodeUri holds the sources `sam build` builds.
        const hint = unbuiltHint(spec.codeDir);
        return {
          ...failure(
            'load',
            'Runtime.InvalidEntrypoint',
            `Couldn't find valid bootstrap(s): [${candidates.join(' ')}]${hint ? ` — crossgate: ${hint}` : ''}`,
          ),
          watch: candidates,
        };
      }
      try {
        accessSync(bootstrap, constants.X_OK);
      } catch {
        return {
          ...failure('load', 'Runtime.InvalidEntrypoint', `fork/exec ${bootstrap}: permission denied`),
          watch: [bootstrap],
        };
      }
      return {
        ok: true,
        files: [],
        trees: [spec.codeDir, ...layers],
        command: bootstrap,
        args: [],
        env: layerPaths(layers),
        // The OS-only runtimes set no AWS_EXECUTION_ENV (AWS Lambda docs: "Defined runtime environment variables").
        unset: ['AWS_EXECUTION_ENV'],
      };
    },
    start(prepared, events, logStreamName) {
      return new ProcessEnvironment(options, prepared, events, logStreamName);
    },
  };
}

/**
 * A CodeUri that holds a project and no bootstrap is one `sam build` has not built yet (Metadata BuildMethod
 * rust-cargolambda, go1.x, makefile: AWS SAM docs, "Building custom runtimes"); crossgate builds nothing.
 */
export function unbuiltHint(codeDir: string): string | undefined {
  const has = (name: string) => existsSync(join(codeDir, name));
  const after = 'or run `sam build` and serve .aws-sam/build/template.yaml';
  if (has('Cargo.toml'))
    return `CodeUri holds a Rust project (Cargo.toml) that is not built: \`cargo lambda build --release\` writes target/lambda/<binary>/bootstrap (point CodeUri there), ${after}`;
  let goSource = has('go.mod');
  if (!goSource) {
    try {
      goSource = readdirSync(codeDir).some((name) => name.endsWith('.go'));
    } catch {
      // No such folder.
    }
  }
  if (goSource)
    return `CodeUri holds Go source that is not built: \`go build -tags lambda.norpc -o bootstrap\` in ${codeDir} (GOOS=linux elsewhere), ${after}`;
  if (has('Makefile'))
    return `CodeUri has a Makefile (BuildMethod: makefile) and no bootstrap: ${after.replace(/^or /, '')}`;
  return undefined;
}
