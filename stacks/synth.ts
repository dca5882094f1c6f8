/**
 * Offline synthesis: SST v2's initProject + App, then each stack's CloudFormation template through
 * aws-cdk-lib/assertions. No AWS credentials. Without `bundle`, functions keep SST's placeholder
 * code (fast: the infra tests); with it, SST bundles them as `sst deploy` does and the templates
 * name the code assets.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { App } from 'sst/constructs';
import { initProject } from 'sst/project.js';
import config, { APP } from '../sst.config';
import { hubStack } from './Hub';
import type { HubSettings } from './settings';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Stages `npm run synth` writes by default: one hub and one member, with no settings from the environment needed. */
export const SYNTH_STAGES = ['dev', 'dev-member'];

export interface SynthesizedStack {
  stage: string;
  stackName: string;
  template: Template;
}

/** `hub`: synthesize a hub with these settings instead of the stage's (tests of settings no listed stage has). */
export async function synthStage(stage: string, opts: { bundle?: boolean; account?: string; hub?: HubSettings } = {}): Promise<SynthesizedStack[]> {
  await initProject({ root: ROOT, stage, region: APP.region });
  const account = opts.account ?? process.env.CDK_DEFAULT_ACCOUNT ?? '123456789012';
  const app = new App({ mode: 'deploy', stage, name: APP.name, region: APP.region, account });
  if (opts.hub) app.stack(hubStack(opts.hub));
  else await config.stacks(app);
  if (opts.bundle) {
    // SST looks up its bootstrap stack (credentials needed) unless it runs under test.
    process.env.NODE_ENV ??= 'test';
    await app.finish();
  }
  return app.node.children.filter((c): c is Stack => Stack.isStack(c)).map((s) => ({ stage, stackName: s.stackName, template: Template.fromStack(s) }));
}
