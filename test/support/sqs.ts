/** Helpers for SQS tests against the emulator: the write calls of SQS, and a queue policy with an SNS producer. */
import { ACCOUNT } from './aws';

/** The write calls of SQS, to prove "no write" from a recorded run. */
const WRITES = ['SetQueueAttributesCommand', 'CreateQueueCommand', 'TagQueueCommand'];
export const sqsWritesIn = (calls: string[]) => calls.filter((c) => WRITES.includes(c));

/** A queue policy, owned by an app team, letting the topic `orders-topic` send; `extra` statements follow. */
export function snsProducerPolicy(arn: string, extra: object[] = []) {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'owned-by-the-app-team',
    Statement: [
      {
        Sid: 'AllowTopic',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: arn,
        Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:orders-topic` } },
      },
      ...extra,
    ],
  });
}
