/** Shared by the SNS topic-policy remediations: merge one statement in, and write guarded. Pure. */
import type { SnsOp, SnsTopicState } from '../adapters/sns';
import { appendStatement, serializePolicy, statementsOf, uniqueSid, type PolicyDocument, type Statement } from '../policy';
import type { Assessment } from './types';

/** SetTopicAttributes(Policy), refused at apply time if the policy changed since it was read. */
export function topicPolicyOp(topic: SnsTopicState, after: PolicyDocument): SnsOp {
  return { kind: 'set-attribute', topicArn: topic.arn, name: 'Policy', value: serializePolicy(after), expectPolicy: topic.attributes.Policy ?? null };
}

/**
 * Compliant when some statement (any Sid, anyone's) is `equivalent`; otherwise a plan appending
 * `statement` (its Sid made unique) and keeping every other statement.
 */
export function ensureTopicStatement(
  topic: SnsTopicState,
  want: { rule: string; equivalent: (s: Statement) => boolean; statement: Statement & { Sid: string } },
): Assessment<SnsOp> {
  const existing = statementsOf(topic.policy).find(want.equivalent);
  if (existing) return { kind: 'compliant', reason: `the topic policy has a statement to ${want.rule}${existing.Sid ? ` (${existing.Sid})` : ''}` };
  const stmt = { ...want.statement, Sid: uniqueSid(topic.policy, want.statement.Sid) };
  const after = appendStatement(topic.policy, stmt);
  return {
    kind: 'plan',
    reason: `the topic policy has no statement to ${want.rule}`,
    changes: [{ field: 'Policy', description: `add statement ${stmt.Sid} to ${want.rule}`, before: topic.policy, after }],
    ops: [topicPolicyOp(topic, after)],
  };
}
