import { expect, it } from 'vitest';
import { evaluateRequiredTags, RequiredTagsOptionsSchema, type EvaluateConfig, type MqBrokerState, type SnsTopicState, type SqsQueueState } from '@fixbridge/core';
import { sqsRequiredTags } from '../../packages/core/src/remediations/sqs-required-tags';
import { snsRequiredTags } from '../../packages/core/src/remediations/sns-required-tags';
import { mqRequiredTags } from '../../packages/core/src/remediations/mq-required-tags';
import { offline } from '../support/projects';

const settings: EvaluateConfig = { exemptTagKey: 'fixbridge:exempt' };
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

offline('required-tags remediations', () => {
  const queue = { kind: 'sqs-queue', arn: 'arn:aws:sqs:us-east-1:123456789012:q', url: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', tags: { team: 'a' } } as unknown as SqsQueueState;
  const topic = { kind: 'sns-topic', arn: 'arn:aws:sns:us-east-1:123456789012:t', tags: {} } as unknown as SnsTopicState;
  const brokerState = { kind: 'mq-broker', arn: 'arn:aws:mq:us-east-1:123456789012:broker:b:b-1234', id: 'b-1234', tags: {} } as unknown as MqBrokerState;

  it.each<[string, () => unknown, unknown, string]>([
    ['sqs-required-tags', () => sqsRequiredTags.evaluate({ resource: queue, tags: { team: 'a' } }, config, settings), { kind: 'tag', url: queue.url, tags: { 'cost-center': '0000' } }, 'SQS.2'],
    ['sns-required-tags', () => snsRequiredTags.evaluate({ resource: topic, tags: {} }, config, settings), { kind: 'tag', topicArn: topic.arn, tags: config.tags }, 'SNS.3'],
    ['mq-required-tags', () => mqRequiredTags.evaluate({ resource: brokerState, tags: brokerState.tags }, config, settings), { kind: 'tag', arn: brokerState.arn, tags: config.tags }, 'MQ.4'],
  ])('%s plans its service’s tagging call and maps to its control', (id, evaluate, expectedOp, control) => {
    expect(evaluate()).toMatchObject({ kind: 'plan', ops: [expectedOp] });
    const r = [sqsRequiredTags, snsRequiredTags, mqRequiredTags].find((x) => x.id === id)!;
    expect(r.controls).toEqual({ securityHub: [control], qualys: [], seeds: ['000 COST-06'] });
    expect(r.risk).toBe('low');
  });
});
