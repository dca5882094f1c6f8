/**
 * Required tags (Security Hub SQS.2, SNS.3, MQ.4): add the configured keys a resource lacks, with
 * their default values. Existing values are never changed. One definition serves all three types.
 */
import { z } from 'zod';
import type { AnyKind, OpOf, StateOf, Tags } from './resources/kind';
import { defineRemediation, type Assessment, type Remediation } from './remediations/types';

export const RequiredTagsOptionsSchema = z
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
export type RequiredTagsOptions = z.infer<typeof RequiredTagsOptionsSchema>;

/** Pure: which configured tags `current` lacks, as a plan whose ops `tagOps` builds. */
export function evaluateRequiredTags<Op>(
  id: string,
  current: Tags,
  options: RequiredTagsOptions,
  tagOps: (missing: Tags) => Op[],
): Assessment<Op> {
  const required = Object.entries(options.tags ?? {});
  if (required.length === 0) return { kind: 'skipped', reason: `no required tags configured (set remediations.${id}.tags)` };
  const missing = required.filter(([k]) => !Object.hasOwn(current, k));
  if (missing.length === 0) return { kind: 'compliant', reason: `has every required tag (${required.map(([k]) => k).join(', ')})` };
  return {
    kind: 'plan',
    reason: `missing required tag(s) ${missing.map(([k]) => k).join(', ')}`,
    changes: missing.map(([k, v]) => ({ field: `Tags.${k}`, description: `add tag ${k}=${v}`, before: null, after: v })),
    ops: tagOps(Object.fromEntries(missing)),
  };
}

/** The required-tags remediation of a kind: its tags are written with the kind's own tag ops. */
export function defineRequiredTags<K extends AnyKind>(r: {
  id: string;
  kind: K;
  securityHub: string;
  /** The kind's tagging action. */
  permissions: string[];
}): Remediation<K, { resource: StateOf<K>; tags: Tags }, RequiredTagsOptions, OpOf<K>> {
  return defineRemediation<K, { resource: StateOf<K>; tags: Tags }, RequiredTagsOptions, OpOf<K>>({
    id: r.id,
    title: `Add the configured required tags to an ${r.kind.label} (existing values kept)`,
    kind: r.kind,
    controls: { securityHub: [r.securityHub], qualys: [], seeds: ['000 COST-06'] },
    risk: 'low',
    permissions: r.permissions,
    optionsSchema: RequiredTagsOptionsSchema,
    // The tags are read only when some are required (otherwise the remediation is skipped).
    async read(ctx, options) {
      return { resource: await ctx.resource(), tags: Object.keys(options.tags ?? {}).length ? await ctx.tags() : {} };
    },
    evaluate: ({ resource, tags }, options) => evaluateRequiredTags(r.id, tags, options, (missing) => r.kind.restorer.tag(resource, missing, []) as OpOf<K>[]),
  });
}
