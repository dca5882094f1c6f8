/**
 * The emulator cases every required-tags remediation (SQS.2, SNS.3, MQ.4) shares: add the
 * configured keys a resource lacks, never change an existing value, skip when nothing is configured.
 */
import { expect, it } from 'vitest';
import { RequiredTagsOptionsSchema, type AnyRemediation, type RequiredTagsOptions } from '@fixbridge/core';
import { cliRecorded, tempFile } from './aws';
import { writesIn } from './sns-mq';

export const REQUIRED = { team: 'unassigned', 'cost-center': '0000' };

/** The options of a required-tags remediation that requires `REQUIRED`. */
export const requiredTagsOptions = (): RequiredTagsOptions => RequiredTagsOptionsSchema.parse({ tags: REQUIRED });

/**
 * The offline case every required-tags remediation shares: `evaluate` plans its service's tagging
 * call (`expectedOp`), and it maps to Security Hub `control`, risk low (call inside an offline suite).
 */
export function plansTagging(r: AnyRemediation, evaluate: () => unknown, expectedOp: unknown, control: string): void {
  it(`${r.id} plans its service’s tagging call and maps to its control`, () => {
    expect(evaluate()).toMatchObject({ kind: 'plan', ops: [expectedOp] });
    expect(r.controls).toEqual({ securityHub: [control], qualys: [], seeds: ['000 COST-06'] });
    expect(r.risk).toBe('low');
  });
}
export const requiredTagsConfig = (id: string) => tempFile('config.json', { remediations: { [id]: { tags: REQUIRED } } });

/** A resource created tagged `team=payments`, and a way to read its tags back with a plain client. */
export interface TaggedResource {
  arn: string;
  tags: () => Promise<Record<string, string>>;
}

/** Registers the shared cases of remediation `id` on resources `create` makes (call inside an onEmulator suite). */
export function requiredTagsCases(id: string, create: () => Promise<TaggedResource>): void {
  const config = requiredTagsConfig;

  it('is skipped when no tags are configured, naming the setting', async () => {
    const r = await create();
    const run = await cliRecorded(['run', id, '--resource', r.arn, '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ status: 'skipped', reason: `no required tags configured (set remediations.${id}.tags)` })]);
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('dry-run and approval change nothing; auto adds only the missing key and keeps the existing value', async () => {
    const r = await create();
    for (const mode of ['dry-run', 'approval']) {
      const run = await cliRecorded(['run', id, '--resource', r.arn, '--config', config(id), '--mode', mode]);
      expect(run.results[0]).toMatchObject({ status: mode === 'dry-run' ? 'planned' : 'awaiting-approval', changes: [{ field: 'Tags.cost-center', before: null, after: '0000' }] });
      expect(writesIn(run.calls)).toEqual([]);
    }
    expect(await r.tags()).toEqual({ team: 'payments' });

    const auto = await cliRecorded(['run', id, '--resource', r.arn, '--config', config(id), '--mode', 'auto']);
    expect(auto.results[0]?.status).toBe('applied');
    expect(writesIn(auto.calls)).toHaveLength(1);
    expect(await r.tags()).toEqual({ team: 'payments', 'cost-center': '0000' });

    const again = await cliRecorded(['run', id, '--resource', r.arn, '--config', config(id), '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });
}
