/** Writes template.yaml into `dir` and returns its path; `codeDir` is examples/proxy-api/src. */
export function writeManyRoutesTemplate(dir: string, codeDir: string, count?: number): string;
