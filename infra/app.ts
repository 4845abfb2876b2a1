/**
 * The CDK app (cdk.json runs it): `npx cdk synth` / `npx cdk deploy`, with
 * settings given as context (`-c alarmEmail=ops@example.org`; see
 * stack/settings.ts and docs/cloud.md). It builds the Lambda bundle first
 * (`npm run build:lambda`), so a fresh clone needs only `npm ci`.
 */
import { App } from 'aws-cdk-lib';
import { buildLambda } from './build-lambda.ts';
import { OpaisStack } from './stack/opais-stack.ts';
import { readSettings } from './stack/settings.ts';

const app = new App();
const settings = readSettings((key) => app.node.tryGetContext(key));
const { zip } = await buildLambda();
new OpaisStack(app, app.node.tryGetContext('stackName') ?? 'opais-changelog', {
  settings,
  lambdaZip: zip,
  description: 'opais-changelog: the OPAIS daily export into an event-sourced change log (docs/cloud.md)',
});
app.synth();
