import { expect, it } from 'vitest';
import { evaluateRequiredTags, RequiredTagsOptionsSchema } from '@fixbridge/core';
import { offline } from '../support/projects';

const config = RequiredTagsOptionsSchema.parse({ tags: { team: 'unassigned', 'cost-center': '0000' } });
const op = (tags: Record<string, string>) => [{ tags }];

offline('evaluateRequiredTags', () => {
  it.each<[string, unknown]>([
    ['nothing configured', {}],
    ['an empty map', { tags: {} }],
  ])('skips with %s, naming the setting', (_n, raw) => {
    expect(evaluateRequiredTags('sns-required-tags', {}, RequiredTagsOptionsSchema.parse(raw), op)).toEqual({
      kind: 'skipped',
      reason: 'no required tags configured (set remediations.sns-required-tags.tags)',
    });
  });

  it('is compliant when every key is there, whatever its value', () => {
    expect(evaluateRequiredTags('x', { team: 'payments', 'cost-center': '', other: '1' }, config, op)).toMatchObject({ kind: 'compliant', reason: 'has every required tag (team, cost-center)' });
  });

  it('adds only the missing keys with their default values, never changing an existing value', () => {
    const a = evaluateRequiredTags('x', { team: 'payments' }, config, op);
    expect(a).toEqual({
      kind: 'plan',
      reason: 'missing required tag(s) cost-center',
      changes: [{ field: 'Tags.cost-center', description: 'add tag cost-center=0000', before: null, after: '0000' }],
      ops: [{ tags: { 'cost-center': '0000' } }],
    });
  });

  it('matches keys case-sensitively, as AWS does', () => {
    expect(evaluateRequiredTags('x', { Team: 'payments', 'cost-center': '1' }, config, op)).toMatchObject({ kind: 'plan', ops: [{ tags: { team: 'unassigned' } }] });
  });

  it.each<[string, unknown]>([
    ['an aws: key', { tags: { 'aws:team': 'x' } }],
    ['a non-string value', { tags: { team: 1 } }],
    ['an unknown setting', { tag: { team: 'x' } }],
  ])('rejects %s', (_n, raw) => {
    expect(RequiredTagsOptionsSchema.safeParse(raw).success).toBe(false);
  });
});
