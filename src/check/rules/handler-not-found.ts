import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { runtimeFamily } from '../../runtime/family.js';
import { posOf } from '../../template/parse.js';
import { codeDirOf, handlerCandidates } from '../handler-scan.js';
import { READ_RUNTIMES } from '../intent.js';
import { pythonHandlerCandidates } from '../python-handlers.js';
import type { Finding, Rule } from '../types.js';

/**
 * A Lambda proxy handler crossgate reads (Node.js, Python) but whose file is not where Handler and CodeUri
 * say: what the function answers, CORS headers included, is not known, so no claim is made about it;
 * this finding says where crossgate looked. (sam build would fail the same way, unless CodeUri names
 * a folder a build step fills.)
 */
export const handlerNotFound: Rule = {
  code: 'CG122',
  name: 'handler-not-found',
  severity: 'warning',
  summary:
    "A handler's file is not where Handler and CodeUri point: what it answers was not judged, and crossgate says where it looked.",
  fixable: false,
  everyApi: true,
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Set<string>();
    const d = ctx.deployment;
    for (const api of [...d.apis, ...(d.httpApis ?? []), ...(d.functionUrls ?? [])])
      for (const r of api.resources)
        for (const m of r.methods) {
          const id = m.functionId;
          if (!id || m.integration !== 'aws_proxy' || seen.has(id)) continue;
          seen.add(id);
          const fn = ctx.model.functions[id];
          if (!fn || fn.inlineCode !== undefined || !fn.handler || ctx.handler(id)?.kind !== 'unknown')
            continue;
          if (fn.runtime === undefined || !READ_RUNTIMES.test(fn.runtime)) continue;
          // A wrapper script starts the code (the Lambda Web Adapter's /opt/bootstrap runs `Handler:
          // run.sh`): Handler names no module then (AWS docs: "Modifying the runtime environment").
          if (fn.environment?.AWS_LAMBDA_EXEC_WRAPPER !== undefined) continue;
          const at =
            posOf(fn.properties, fn.properties.CodeUri !== undefined ? 'CodeUri' : 'Handler') ?? fn.pos;
          // An S3 object (what sam package writes back) holds the code, but not on this machine.
          if (fn.codeUri?.startsWith('s3://')) {
            out.push({
              code: this.code,
              rule: this.name,
              severity: this.severity,
              api: api.logicalId,
              message: `${id}: CodeUri ${fn.codeUri} is an S3 object, which crossgate does not fetch, so what ${id} answers (its CORS headers included) was not judged.`,
              pos: at,
              route: `${m.method} ${r.path}`,
              hint: 'Check the template whose CodeUri names the local source folder (the one sam package reads), or judge the deployed API with crossgate probe.',
            });
            continue;
          }
          const codeDir = codeDirOf(ctx.model, fn);
          if (existsSync(join(codeDir, fn.handler))) continue;
          const candidates =
            runtimeFamily(fn.runtime) === 'python'
              ? pythonHandlerCandidates(codeDir, fn.handler)
              : handlerCandidates(codeDir, fn.handler);
          // Unknown though its file is there: it was not read (no Python to read it; a note says so).
          if (candidates.length === 0 || candidates.some((c) => existsSync(c))) continue;
          // Where crossgate looked, named as the template is (relative to where the user stands).
          const shown = candidates.map((c) => join(dirname(ctx.model.file), relative(ctx.model.baseDir, c)));
          const stem = shown[0].slice(0, shown[0].lastIndexOf('.'));
          const looked = shown.every((c) => c.startsWith(`${stem}.`))
            ? `${stem}.{${shown.map((c) => c.slice(stem.length + 1)).join(',')}}`
            : shown.join(' and ');
          out.push({
            code: this.code,
            rule: this.name,
            severity: this.severity,
            api: api.logicalId,
            message: `${id}: no file for Handler '${fn.handler}' — crossgate looked for ${looked} and found none, so what ${id} answers (its CORS headers included) was not judged.`,
            pos: at,
            route: `${m.method} ${r.path}`,
            hint: 'Point CodeUri at the folder that holds the source, or run the handler with --invoke.',
          });
        }
    return out;
  },
};
