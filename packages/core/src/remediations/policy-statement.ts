/** Shared by the remediations that add one statement to a resource policy (SQS and SNS). Pure. */
import { appendStatement, statementsOf, uniqueSid, type PolicyDocument, type Statement } from '../policy';
import type { Assessment } from './types';

export interface WantedStatement {
  /** What the statement does, e.g. `deny SNS:Publish when aws:SecureTransport is false`. */
  rule: string;
  /** True for a statement (any Sid, anyone's) that already does it. */
  equivalent: (s: Statement) => boolean;
  /** The statement to add; its Sid is made unique in the policy. */
  statement: Statement & { Sid: string };
}

/**
 * Compliant when some statement of `policy` is equivalent; otherwise a plan appending the wanted
 * statement and keeping every other one, written by the op `policyOp` builds from the new document.
 */
export function ensureStatement<Op>(
  policy: PolicyDocument | null,
  noun: string,
  want: WantedStatement,
  policyOp: (after: PolicyDocument) => Op,
): Assessment<Op> {
  const existing = statementsOf(policy).find(want.equivalent);
  if (existing) return { kind: 'compliant', reason: `the ${noun} policy has a statement to ${want.rule}${existing.Sid ? ` (${existing.Sid})` : ''}` };
  const stmt = { ...want.statement, Sid: uniqueSid(policy, want.statement.Sid) };
  const after = appendStatement(policy, stmt);
  return {
    kind: 'plan',
    reason: `the ${noun} policy has no statement to ${want.rule}`,
    changes: [{ field: 'Policy', description: `add statement ${stmt.Sid} to ${want.rule}`, before: policy, after }],
    ops: [policyOp(after)],
  };
}
