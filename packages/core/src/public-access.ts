/** Shared by the SQS and SNS "block public access" remediations: find and scope public statements. Pure. */
import type { Change } from './results';
import { isPublicAllow, replaceStatement, statementsOf, type PolicyDocument, type Statement } from './policy';

export function publicStatementIndexes(policy: PolicyDocument | null, relevant: (s: Statement) => boolean = () => true): number[] {
  return statementsOf(policy)
    .map((s, i) => (isPublicAllow(s) && relevant(s) ? i : -1))
    .filter((i) => i >= 0);
}

/**
 * Scope one public Allow statement: to the organization (`aws:PrincipalOrgID` condition) when an
 * organization id is configured, otherwise to the owning account (Principal = the account root).
 * Every other key of the statement (Sid, actions, resources, other conditions) is kept.
 */
export function scopeToOwner(
  stmt: Statement,
  owner: { accountId: string; partition: string; organizationId?: string | undefined },
): { statement: Statement; description: string } {
  const label = stmt.Sid ? `statement ${stmt.Sid}` : 'statement';
  if (owner.organizationId) {
    const cond = { ...(stmt.Condition ?? {}) };
    cond.StringEquals = { ...(cond.StringEquals ?? {}), 'aws:PrincipalOrgID': owner.organizationId };
    return { statement: { ...stmt, Condition: cond }, description: `scope ${label} to organization ${owner.organizationId}` };
  }
  if (stmt.NotPrincipal !== undefined) {
    const cond = { ...(stmt.Condition ?? {}) };
    cond.StringEquals = { ...(cond.StringEquals ?? {}), 'aws:PrincipalAccount': owner.accountId };
    return { statement: { ...stmt, Condition: cond }, description: `scope ${label} to account ${owner.accountId}` };
  }
  return {
    statement: { ...stmt, Principal: { AWS: `arn:${owner.partition}:iam::${owner.accountId}:root` } },
    description: `scope ${label} to account ${owner.accountId} (principal was everyone)`,
  };
}

/**
 * Scope every statement at `indexes` (see `scopeToOwner`), one change per statement with its own
 * before/after; every other statement of the policy is kept exactly as it was.
 */
export function scopePublicStatements(
  policy: PolicyDocument,
  indexes: number[],
  owner: { accountId: string; partition: string; organizationId?: string | undefined },
): { after: PolicyDocument; changes: Change[] } {
  let after = policy;
  const changes = indexes.map((i) => {
    const before = statementsOf(after)[i]!;
    const { statement, description } = scopeToOwner(before, owner);
    after = replaceStatement(after, i, statement);
    return { field: `Policy.Statement[${i}]`, description, before, after: statement };
  });
  return { after, changes };
}
