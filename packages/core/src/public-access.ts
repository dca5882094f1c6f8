/** Shared by the SQS and SNS "block public access" remediations: find and scope public statements. Pure. */
import type { Change } from './results';
import { asList, isPublicAllow, replaceStatement, statementsOf, type PolicyDocument, type Principal, type Statement } from './policy';

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
  const root = `arn:${owner.partition}:iam::${owner.accountId}:root`;
  return {
    statement: { ...stmt, Principal: withoutEveryone(stmt.Principal, root) },
    description: `scope ${label} to account ${owner.accountId} (principal was everyone; named principals are kept)`,
  };
}

/** The principal with every `*` removed and the owner's root added; named principals are kept. */
function withoutEveryone(principal: Principal | undefined, root: string): Principal {
  if (principal === undefined || principal === '*') return { AWS: root };
  const out: Record<string, string | string[]> = {};
  for (const [kind, value] of Object.entries(principal)) {
    const kept = asList(value).filter((v) => v !== '*');
    if (kind === 'AWS' && asList(value).includes('*') && !kept.includes(root)) kept.push(root);
    if (kept.length) out[kind] = kept.length === 1 ? kept[0]! : kept;
  }
  if (!Object.keys(out).length) out.AWS = root;
  return out;
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
