import { z } from 'zod';
import { applySnsOps, topicPolicyOp, type SnsOp, type SnsTopicState } from '../adapters/sns';
import { coversAction, isSecureTransportDeny } from '../policy';
import { ensureStatement } from './policy-statement';
import { defineRemediation } from './types';

export const SnsRequireTlsConfigSchema = z.object({}).strict();
export type SnsRequireTlsConfig = z.infer<typeof SnsRequireTlsConfigSchema>;

export const snsRequireTls = defineRemediation<{ topic: SnsTopicState }, SnsRequireTlsConfig, SnsOp>({
  id: 'sns-require-tls',
  title: 'Deny publishing to an SNS topic without TLS (aws:SecureTransport)',
  resourceType: 'sns-topic',
  controls: { securityHub: [], qualys: ['436'], seeds: [] },
  risk: 'low',
  permissions: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:SetTopicAttributes'],
  configSchema: SnsRequireTlsConfigSchema,

  async read(ctx) {
    return { topic: (await ctx.resource()) as SnsTopicState };
  },

  evaluate({ topic }) {
    return ensureStatement(topic.policy, 'topic', {
      rule: 'deny SNS:Publish when aws:SecureTransport is false',
      // SNS:Publish, sns:*, * or a NotAction leaving Publish in all count (action names are case-insensitive).
      equivalent: (s) => isSecureTransportDeny(s, topic.arn, (x) => coversAction(x, 'sns:Publish')),
      statement: {
        Sid: 'FixbridgeDenyInsecurePublish',
        Effect: 'Deny',
        Principal: '*',
        Action: 'SNS:Publish',
        Resource: topic.arn,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    }, (after) => topicPolicyOp(topic, after));
  },

  apply: (ctx, ops) => applySnsOps(ctx.clients, ops),
});
