/** Shared by the SQS and SNS "block public access" remediations: find and scope public statements. Pure. */
import type { Change } from './results';
import { asList, coversResource, isPublicAllow, replaceStatement, scopingDeniesOf, sourceArnServices, statementsOf, type PolicyDocument, type Principal, type Statement } from './policy';

/**
 * The indexes of the statements of `policy` (the resource policy of `resourceArn`) that are public:
 * an Allow to everyone that no condition of its own scopes (`isPublicAllow`), that applies to the
 * resource, and that no Deny of the same policy confines to known callers (`scopingDeniesOf`).
 */
export function publicStatementIndexes(policy: PolicyDocument | null, resourceArn: string): number[] {
  return statementsOf(policy)
    .map((s, i) => (isPublicAllow(s) && coversResource(s, resourceArn) && scopingDeniesOf(policy, s, resourceArn).length === 0 ? i : -1))
    .filter((i) => i >= 0);
}

export interface Owner {
  accountId: string;
  partition: string;
  organizationId?: string | undefined;
}

/** What `scopeToOwner` does with one statement: its scoped form, or why it cannot scope it. */
export type Scoped = { statement: Statement; description: string } | { blocked: string };

/** True when a StringEquals block of the statement already names `key` (fixbridge never replaces someone's condition values). */
function alreadyConditions(stmt: Statement, key: string): boolean {
  const block: unknown = stmt.Condition?.StringEquals;
  return !!block && typeof block === 'object' && Object.keys(block).some((k) => k.toLowerCase() === key.toLowerCase());
}

/**
 * Scope one public Allow statement. A statement whose `aws:SourceArn` names a service's resources
 * (`arn:aws:s3:…`, `arn:aws:sns:…`) is what that service delivers through, and an owner-root
 * principal would exclude the service (service principals are not the account, and carry no
 * `aws:PrincipalOrgID`): it is scoped to the owner's resources with `aws:SourceAccount` (or
 * `aws:SourceOrgID` when an organization id is configured), keeping its principal. Any other
 * statement is scoped to the organization (`aws:PrincipalOrgID`) when an organization id is
 * configured, otherwise to the owning account (Principal = the account root). Every other key of the
 * statement (Sid, actions, resources, other conditions) is kept. A condition fixbridge would have to
 * overwrite is not touched: the result is `blocked` with the reason.
 */
export function scopeToOwner(stmt: Statement, owner: Owner): Scoped {
  const label = stmt.Sid ? `statement ${stmt.Sid}` : 'statement';
  const withCondition = (key: string, value: string, description: string): Scoped => {
    if (alreadyConditions(stmt, key)) {
      return { blocked: `${label} already has a StringEquals ${key} condition that does not scope it; fixbridge does not replace condition values, so fix it by hand` };
    }
    const cond = { ...(stmt.Condition ?? {}) };
    cond.StringEquals = { ...(cond.StringEquals ?? {}), [key]: value };
    return { statement: { ...stmt, Condition: cond }, description };
  };
  const services = sourceArnServices(stmt);
  if (services.length > 0) {
    const who = services.join(', ');
    return owner.organizationId
      ? withCondition('aws:SourceOrgID', owner.organizationId, `scope ${label} to ${who} deliveries from resources of organization ${owner.organizationId} (aws:SourceOrgID; the principal stays, so the service keeps delivering)`)
      : withCondition('aws:SourceAccount', owner.accountId, `scope ${label} to ${who} deliveries from resources of account ${owner.accountId} (aws:SourceAccount; the principal stays, so the service keeps delivering)`);
  }
  if (owner.organizationId) return withCondition('aws:PrincipalOrgID', owner.organizationId, `scope ${label} to organization ${owner.organizationId}`);
  if (stmt.NotPrincipal !== undefined) return withCondition('aws:PrincipalAccount', owner.accountId, `scope ${label} to account ${owner.accountId}`);
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
 * before/after; every other statement of the policy is kept exactly as it was. When one of them cannot
 * be scoped, nothing is: the reason is returned instead.
 */
export function scopePublicStatements(policy: PolicyDocument, indexes: number[], owner: Owner): { after: PolicyDocument; changes: Change[] } | { blocked: string } {
  let after = policy;
  const changes: Change[] = [];
  for (const i of indexes) {
    const before = statementsOf(after)[i]!;
    const scoped = scopeToOwner(before, owner);
    if ('blocked' in scoped) return { blocked: scoped.blocked };
    after = replaceStatement(after, i, scoped.statement);
    changes.push({ field: `Policy.Statement[${i}]`, description: scoped.description, before, after: scoped.statement });
  }
  return { after, changes };
}
