/**
 * The Lambda bundles as `sst deploy` builds them (esbuild, the stack's own options): what each one
 * carries. The router calls SQS only (it queues a sweep's listings; the workers list), so it must
 * not ship the clients the engine's outputs use, nor STS for member roles, nor Slack's; the Slack
 * interaction function reads the table and sends to the queue, and nothing more; no bundle ships
 * zod's other locales or the CloudWatch client pinned for the emulator.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESBUILD, entryOf, FUNCTIONS } from '../../stacks/functions';
import { ROOT } from '../support/paths';

type Name = keyof typeof FUNCTIONS;
const inputs: Partial<Record<Name, string[]>> = {};

beforeAll(async () => {
  for (const [name, fn] of Object.entries(FUNCTIONS) as [Name, (typeof FUNCTIONS)[Name]][]) {
    const out = await build({
      ...(ESBUILD as object),
      entryPoints: [join(ROOT, entryOf(fn.handler))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'esnext',
      mainFields: ['module', 'main'],
      minify: true,
      write: false,
      metafile: true,
      outfile: join(ROOT, '.build', `${name}.mjs`),
      logLevel: 'error',
    });
    const meta: Metafile = out.metafile;
    // Files esbuild read but tree-shook away entirely contribute no bytes: only the rest ship.
    inputs[name] = Object.entries(Object.values(meta.outputs)[0]!.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([path]) => path);
  }
}, 120_000);

const packagesIn = (name: Name) => new Set(inputs[name]!.flatMap((p) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1] ?? []));

describe('Lambda bundles', () => {
  it('the router bundles none of the Security Hub, DynamoDB, EventBridge or Slack clients', () => {
    const router = packagesIn('router');
    for (const pkg of ['@aws-sdk/client-securityhub', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-eventbridge', '@slack/web-api']) expect(router).not.toContain(pkg);
    expect(packagesIn('worker')).toContain('@aws-sdk/client-securityhub');
  });

  it('the router lists nothing: no STS client, no member access, no deliveries (the workers list the sweep)', () => {
    expect(packagesIn('router')).not.toContain('@aws-sdk/client-sts');
    const hub = inputs.router!.filter((p) => p.includes('packages/core/src/hub/')).map((p) => p.split('/').pop());
    for (const file of ['member.ts', 'deliver.ts', 'history.ts']) expect(hub).not.toContain(file);
    expect(packagesIn('worker')).toContain('@aws-sdk/client-sts');
  });

  it.each(Object.keys(FUNCTIONS) as Name[])('%s ships none of the CLI sweep (its Organizations and EC2 clients)', (name) => {
    expect(inputs[name]!.filter((p) => p.endsWith('packages/core/src/sweep.ts'))).toEqual([]);
    for (const pkg of ['@aws-sdk/client-organizations', '@aws-sdk/client-ec2']) expect(packagesIn(name)).not.toContain(pkg);
  });

  it('the Slack interaction function ships the table and queue clients it calls, not the Slack SDK or the outputs', () => {
    const slack = packagesIn('slack');
    expect(slack).toContain('@aws-sdk/lib-dynamodb');
    expect(slack).toContain('@aws-sdk/client-sqs');
    for (const pkg of ['@slack/web-api', '@aws-sdk/client-securityhub', '@aws-sdk/client-eventbridge']) expect(slack).not.toContain(pkg);
    // The worker posts approvals and updates their messages with the Slack SDK.
    expect(packagesIn('worker')).toContain('@slack/web-api');
  });

  it('only the worker writes back to Security Hub', () => {
    expect(packagesIn('runbook')).not.toContain('@aws-sdk/client-securityhub');
  });

  it.each(Object.keys(FUNCTIONS) as Name[])('%s ships zod with its English locale only', (name) => {
    const locales = inputs[name]!.filter((p) => /node_modules\/zod\/.*\/locales\//.test(p)).map((p) => p.split('/').pop());
    expect(locales).toEqual(['en.js']);
  });

  it.each(Object.keys(FUNCTIONS) as Name[])('%s ships the current CloudWatch client and one copy of the SDK core, not the emulator pin', (name) => {
    const files = inputs[name]!;
    expect(files.some((p) => p.includes('node_modules/@aws-sdk/client-cloudwatch/'))).toBe(false);
    const cores = new Set(files.filter((p) => /node_modules\/@aws-sdk\/core\//.test(p)).map((p) => p.slice(0, p.indexOf('@aws-sdk/core/'))));
    expect([...cores]).toHaveLength(1);
  });
});
