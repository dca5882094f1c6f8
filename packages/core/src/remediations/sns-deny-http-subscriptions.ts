import { z } from 'zod';
import { snsTopic, topicPolicyOp } from '../resources/sns-topic';
import { asList, coversAction, coversResource, principalIsEveryone, wildcardMatch, type Statement } from '../policy';
import { ensureStatement } from './policy-statement';
import { defineRemediation } from './types';

export const SnsDenyHttpSubscriptionsOptionsSchema = z.object({}).strict();
export type SnsDenyHttpSubscriptionsOptions = z.infer<typeof SnsDenyHttpSubscriptionsOptionsSchema>;

/** True when one condition entry (`operator: {key: value}`) holds for the value "http". */
function holdsForHttp(operator: string, value: unknown): boolean {
  const m = /^String(Not)?(Equals|Like)(IgnoreCase)?(IfExists)?$/i.exec(operator);
  if (!m) return false;
  const like = m[2]!.toLowerCase() === 'like';
  const matches = asList(value as unknown[]).some((v) => (like ? wildcardMatch(String(v), 'http') : String(v).toLowerCase() === 'http'));
  return m[1] ? !matches : matches;
}

/**
 * A Deny of SNS:Subscribe for everyone on the topic whose every condition is on SNS:Protocol and
 * holds for "http" (`StringEquals http`, `StringLike http*`, `StringNotEquals https`, ...).
 */
export function deniesHttpSubscriptions(s: Statement, topicArn: string): boolean {
  const conditions = Object.entries(s.Condition ?? {}).flatMap(([op, block]) => Object.entries(block).map(([key, value]) => ({ op, key, value })));
  return (
    s.Effect === 'Deny' &&
    principalIsEveryone(s.Principal) &&
    coversAction(s, 'sns:Subscribe') &&
    coversResource(s, topicArn) &&
    conditions.length > 0 &&
    conditions.every((c) => c.key.toLowerCase() === 'sns:protocol' && holdsForHttp(c.op, c.value))
  );
}

export const snsDenyHttpSubscriptions = defineRemediation({
  id: 'sns-deny-http-subscriptions',
  title: 'Deny plain-HTTP subscriptions to an SNS topic (SNS:Protocol http)',
  kind: snsTopic,
  controls: { securityHub: [], qualys: ['438'], seeds: [] },
  risk: 'low',
  permissions: ['sns:SetTopicAttributes'],
  optionsSchema: SnsDenyHttpSubscriptionsOptionsSchema,

  async read(ctx) {
    return { topic: await ctx.resource() };
  },

  evaluate({ topic }) {
    return ensureStatement(topic.policy, 'topic', {
      rule: 'deny SNS:Subscribe when SNS:Protocol is http',
      equivalent: (s) => deniesHttpSubscriptions(s, topic.arn),
      statement: {
        Sid: 'FixbridgeDenyHttpSubscriptions',
        Effect: 'Deny',
        Principal: '*',
        Action: 'SNS:Subscribe',
        Resource: topic.arn,
        Condition: { StringEquals: { 'SNS:Protocol': 'http' } },
      },
    }, (after) => topicPolicyOp(topic, after));
  },
});
