import { z } from 'zod';
import { snsTopic, topicPolicyOp } from '../resources/sns-topic';
import { coversAction, isSecureTransportDeny } from '../policy';
import { ensureStatement } from './policy-statement';
import { defineRemediation } from './types';

export const SnsRequireTlsOptionsSchema = z.object({}).strict();
export type SnsRequireTlsOptions = z.infer<typeof SnsRequireTlsOptionsSchema>;

export const snsRequireTls = defineRemediation({
  id: 'sns-require-tls',
  title: 'Deny publishing to an SNS topic without TLS (aws:SecureTransport)',
  kind: snsTopic,
  controls: { securityHub: [], qualys: ['436'], seeds: [] },
  risk: 'low',
  permissions: ['sns:SetTopicAttributes'],
  optionsSchema: SnsRequireTlsOptionsSchema,

  async read(ctx) {
    return { topic: await ctx.resource() };
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
});
