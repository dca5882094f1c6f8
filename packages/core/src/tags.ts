/**
 * Required tags (Security Hub SQS.2, SNS.3, MQ.4): add the configured keys a resource lacks, with
 * their default values. Existing values are never changed. One definition serves all three types.
 */
import { z } from 'zod';
import { RESOURCE_TYPE_LABEL, type ResourceType } from './arn';
import type { BaseState } from './readers';
import { defineRemediation, type Assessment, type Remediation, type RemediationContext } from './remediations/types';

export const RequiredTagsConfigSchema = z
  .object({
    /** Required tag keys, each with the value to add when a resource lacks the key. */
    tags: z
      .record(
        z.string().min(1).max(128).regex(/^(?!aws:)/i, 'tag keys starting with "aws:" are reserved by AWS'),
        z.string().max(256),
      )
      .optional(),
  })
  .strict();
export type RequiredTagsConfig = z.infer<typeof RequiredTagsConfigSchema>;

/** Pure: which configured tags `current` lacks, as a plan whose single op `tagOp` builds. */
export function evaluateRequiredTags<Op>(
  id: string,
  current: Record<string, string>,
  config: RequiredTagsConfig,
  tagOp: (missing: Record<string, string>) => Op,
): Assessment<Op> {
  const required = Object.entries(config.tags ?? {});
  if (required.length === 0) return { kind: 'skipped', reason: `no required tags configured (set remediations.${id}.tags)` };
  const missing = required.filter(([k]) => !Object.hasOwn(current, k));
  if (missing.length === 0) return { kind: 'compliant', reason: `has every required tag (${required.map(([k]) => k).join(', ')})` };
  return {
    kind: 'plan',
    reason: `missing required tag(s) ${missing.map(([k]) => k).join(', ')}`,
    changes: missing.map(([k, v]) => ({ field: `Tags.${k}`, description: `add tag ${k}=${v}`, before: null, after: v })),
    ops: [tagOp(Object.fromEntries(missing))],
  };
}

export function defineRequiredTags<State extends BaseState, Op>(r: {
  id: string;
  resourceType: ResourceType;
  securityHub: string;
  permissions: string[];
  tagOp: (resource: State, tags: Record<string, string>) => Op;
  apply: (ctx: RemediationContext, ops: Op[]) => Promise<void>;
}): Remediation<{ resource: State }, RequiredTagsConfig, Op> {
  return defineRemediation<{ resource: State }, RequiredTagsConfig, Op>({
    id: r.id,
    title: `Add the configured required tags to an ${RESOURCE_TYPE_LABEL[r.resourceType]} (existing values kept)`,
    resourceType: r.resourceType,
    controls: { securityHub: [r.securityHub], qualys: [], seeds: ['000 COST-06'] },
    risk: 'low',
    permissions: r.permissions,
    configSchema: RequiredTagsConfigSchema,
    async read(ctx) {
      return { resource: (await ctx.resource()) as State };
    },
    evaluate: ({ resource }, config) => evaluateRequiredTags(r.id, resource.tags, config, (tags) => r.tagOp(resource, tags)),
    apply: r.apply,
  });
}
