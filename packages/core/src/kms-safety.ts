/**
 * "Block rather than break": before a queue or topic switches to a KMS key, every AWS service
 * principal that the resource policy lets produce into it must be allowed to use that key.
 * Pure functions over already-read state.
 */
import { isAwsManagedAlias, type KeyInfo } from './adapters/kms';
import { coversAction, keyPolicyMissingActions, principalIsEveryone, servicePrincipalsOf, sourceArnServices, statementsOf, type PolicyDocument } from './policy';

/** What a producer service needs on the key to send encrypted messages. */
export const PRODUCER_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/**
 * Service principals that an Allow statement of `policy` lets perform `sendAction` (e.g.
 * `sqs:SendMessage`): those it names, and, for statements open to everyone, the services whose
 * resources `aws:SourceArn` names (the older SNS → SQS subscription form: `Principal: "*"` with
 * `ArnEquals aws:SourceArn arn:aws:sns:…`).
 */
export function producerServices(policy: PolicyDocument | null, sendAction: string): string[] {
  const found = new Set<string>();
  for (const s of statementsOf(policy)) {
    if (s.Effect !== 'Allow' || !coversAction(s, sendAction)) continue;
    for (const p of servicePrincipalsOf(s)) found.add(p);
    if (principalIsEveryone(s.Principal)) for (const p of sourceArnServices(s)) found.add(p);
  }
  return [...found].sort();
}

/** Why switching to `key` would break a producer, or null when it is safe. */
export function keyBlockReason(key: KeyInfo, producers: string[]): string | null {
  if (isAwsManagedAlias(key.requested)) {
    return producers.length > 0
      ? `the AWS-managed key ${key.requested} cannot be used by AWS service producers (its key policy cannot be edited), and the resource policy lets ${producers.join(', ')} send to it`
      : null;
  }
  if (!key.found) return `KMS key ${key.requested} was not found`;
  if (key.keyState && key.keyState !== 'Enabled') {
    return `KMS key ${key.arn ?? key.requested} is ${key.keyState === 'PendingDeletion' ? 'pending deletion' : key.keyState}; it must be Enabled`;
  }
  if (producers.length === 0) return null;
  if (!key.policy) {
    return `cannot read the key policy of ${key.arn ?? key.requested} (${key.policyError ?? 'no policy'}), so it is unknown whether ${producers.join(', ')} may use the key`;
  }
  const problems = producers
    .map((p) => ({ p, missing: keyPolicyMissingActions(key.policy, p, PRODUCER_KEY_ACTIONS) }))
    .filter((x) => x.missing.length > 0);
  if (problems.length === 0) return null;
  return (
    `the key policy of ${key.arn ?? key.requested} does not allow ` +
    problems.map((x) => `${x.p} to call ${x.missing.join(' and ')}`).join('; ') +
    '; that producer would be cut off. Grant it kms:GenerateDataKey* and kms:Decrypt in the key policy, then run again'
  );
}
