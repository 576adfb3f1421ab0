// A SAM template with many routes on one Cors API (/r{i}/{id}, GET and PUT in turn), all answered by
// examples/proxy-api's health handler: the load for `probe --routes` in its test and in its bench.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes template.yaml into `dir` and returns its path; `codeDir` is examples/proxy-api/src. */
export function writeManyRoutesTemplate(dir, codeDir, count = 200) {
  const events = Array.from(
    { length: count },
    (_, i) => `        R${i}:
          Type: Api
          Properties:
            RestApiId: !Ref BigApi
            Path: /r${i}/{id}
            Method: ${i % 2 === 0 ? 'get' : 'put'}`,
  ).join('\n');
  const file = join(dir, 'template.yaml');
  writeFileSync(
    file,
    `Transform: AWS::Serverless-2016-10-31
Resources:
  BigApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      Cors:
        AllowOrigin: "'http://localhost:5173'"
        AllowHeaders: "'Content-Type'"
        AllowMethods: "'GET,PUT,OPTIONS'"
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: ${codeDir}
      Handler: health.handler
      Environment:
        Variables:
          APP_ORIGIN: http://localhost:5173
      Events:
${events}
`,
  );
  return file;
}
