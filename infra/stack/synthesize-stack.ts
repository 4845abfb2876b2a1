import { App } from 'aws-cdk-lib';
import { OpaisStack } from './opais-stack.ts';
import { defaultSettings, type OpaisSettings } from './settings.ts';

export interface SynthesizedStack {
  stack: OpaisStack;
  /** The CloudFormation template as `cdk deploy` would send it. */
  template: Record<string, unknown>;
  /** The cloud assembly's directory (template, assets manifest, the asset files). */
  outdir: string;
  /** The assets manifest's file name in outdir. */
  assetsManifest: string;
}

/** The stack synthesized into `outdir` with these settings over the defaults, for the tests. */
export function synthesizeStack(
  settings: Partial<OpaisSettings>,
  lambdaZip: string,
  outdir: string,
  stackName = 'opais-changelog',
): SynthesizedStack {
  const app = new App({ outdir, context: { 'cli-telemetry': false } });
  const stack = new OpaisStack(app, stackName, { settings: { ...defaultSettings, ...settings }, lambdaZip });
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stackName);
  return {
    stack,
    template: artifact.template,
    outdir: assembly.directory,
    assetsManifest: `${stackName}.assets.json`,
  };
}
