/**
 * Policy algebra for resource policies (SQS queue policies, SNS topic policies) and KMS key
 * policies. Pure functions only: parse, inspect, merge. Nothing here talks to AWS.
 *
 * Rule kept by every caller: policies are merged, never replaced. Unknown statement keys are
 * preserved verbatim (`.passthrough()`), and statements are only ever appended or, for the
 * one statement a remediation exists to fix, edited in place.
 */
import { z } from 'zod';
import { ipRangesNarrow } from './cidr';
import { InputError } from './errors';

const StringOrList = z.union([z.string(), z.array(z.string())]);
const ConditionValue = z.union([z.string(), z.boolean(), z.number(), z.array(z.union([z.string(), z.boolean(), z.number()]))]);

export const PrincipalSchema = z.union([z.literal('*'), z.record(z.string(), StringOrList)]);
export type Principal = z.infer<typeof PrincipalSchema>;

export const StatementSchema = z
  .object({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Principal: PrincipalSchema.optional(),
    NotPrincipal: PrincipalSchema.optional(),
    Action: StringOrList.optional(),
    NotAction: StringOrList.optional(),
    Resource: StringOrList.optional(),
    NotResource: StringOrList.optional(),
    Condition: z.record(z.string(), z.record(z.string(), ConditionValue)).optional(),
  })
  .passthrough();
export type Statement = z.infer<typeof StatementSchema>;

export const PolicyDocumentSchema = z
  .object({
    Version: z.string().optional(),
    Id: z.string().optional(),
    Statement: z.union([StatementSchema, z.array(StatementSchema)]),
  })
  .passthrough();
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

/** Parse a policy JSON string as AWS returns it. Empty or missing means "no policy". */
export function parsePolicy(json: string | undefined | null, what = 'policy'): PolicyDocument | null {
  if (json === undefined || json === null || json.trim() === '') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    throw new InputError(`${what} is not valid JSON`, { cause });
  }
  const parsed = PolicyDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${what} is not a valid policy document: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

export function statementsOf(doc: PolicyDocument | null): Statement[] {
  if (!doc) return [];
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

export function asList<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** IAM wildcard match (`*` any run, `?` one char), case-insensitive as IAM action names are. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = true): boolean {
  // No wildcard: a plain comparison (most patterns: every statement is checked for every resource of a sweep).
  if (!pattern.includes('*') && !pattern.includes('?')) return caseInsensitive ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = PATTERNS.get(key);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', caseInsensitive ? 'i' : '');
    if (PATTERNS.size >= 1_000) PATTERNS.clear();
    PATTERNS.set(key, re);
  }
  return re.test(value);
}
/** Compiled wildcard patterns (bounded). */
const PATTERNS = new Map<string, RegExp>();

/** True when the statement's Action / NotAction grants (or denies) `action`. */
export function coversAction(stmt: Statement, action: string): boolean {
  if (stmt.Action !== undefined) return asList(stmt.Action).some((p) => wildcardMatch(p, action));
  if (stmt.NotAction !== undefined) return !asList(stmt.NotAction).some((p) => wildcardMatch(p, action));
  return false;
}

/** True when the statement's action list covers every action of a whole service prefix (e.g. `sqs:*`). */
export function coversWholeService(stmt: Statement, service: string): boolean {
  if (stmt.Action === undefined) return false;
  return asList(stmt.Action).some((p) => p === '*' || p.toLowerCase() === `${service.toLowerCase()}:*`);
}

export function coversResource(stmt: Statement, arn: string): boolean {
  if (stmt.Resource !== undefined) return asList(stmt.Resource).some((p) => wildcardMatch(p, arn, false));
  if (stmt.NotResource !== undefined) return !asList(stmt.NotResource).some((p) => wildcardMatch(p, arn, false));
  return true; // resource policies may omit Resource: it then means the resource itself
}

/** Principal `*`, `{"AWS": "*"}` (or a list containing `*`). */
export function principalIsEveryone(p: Principal | undefined): boolean {
  if (p === undefined) return false;
  if (p === '*') return true;
  return Object.values(p).some((v) => asList(v).includes('*'));
}

export function servicePrincipalsOf(stmt: Statement): string[] {
  const p = stmt.Principal;
  if (!p || p === '*') return [];
  const entry = Object.entries(p).find(([k]) => k.toLowerCase() === 'service');
  return entry ? asList(entry[1]) : [];
}

/**
 * Condition keys that scope a statement to known callers (controls.md "Public-access test").
 * Compared case-insensitively, as IAM condition keys are.
 *
 * Left out on purpose, because a condition on them does not tell callers apart:
 * - `aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths` describe the resource being
 *   called; in a resource policy that is the owner's own resource, so the condition is always true.
 * - `aws:username`: a user name is unique only within one account; any account can create a user
 *   with that name, so with a principal of everyone it admits callers from every account.
 */
export const SCOPING_CONDITION_KEYS = [
  'aws:SourceArn',
  'aws:SourceAccount',
  'aws:SourceOwner',
  'aws:PrincipalAccount',
  'aws:PrincipalArn',
  'aws:PrincipalOrgID',
  'aws:PrincipalOrgPaths',
  'aws:SourceOrgID',
  'aws:SourceOrgPaths',
  'aws:SourceVpc',
  'aws:SourceVpce',
  'aws:SourceIp',
  'aws:userid',
] as const;
const SCOPING = new Set<string>(SCOPING_CONDITION_KEYS.map((k) => k.toLowerCase()));

/**
 * Operators that let in only the callers whose key matches. Negated operators (`StringNotEquals`,
 * `NotIpAddress`, …) let in everyone else, `Null` tests presence, `…IfExists` passes when the key is
 * absent, and `ForAllValues:` passes vacuously on a missing key: none of them scope.
 */
const POSITIVE_OPERATOR = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike|IpAddress)$/i;

/**
 * The negations of the positive operators. In a Deny they deny everyone whose key does not match
 * (a missing key matches a negated operator, with or without `IfExists`), so such a Deny lets in only
 * the callers the values name.
 */
const NEGATED_OPERATOR = /^(StringNotEquals|StringNotEqualsIgnoreCase|StringNotLike|ArnNotEquals|ArnNotLike|NotIpAddress)(IfExists)?$/i;

const pinsAccountOrOrg = (x: string) => /(^|[^0-9])\d{12}([^0-9]|$)/.test(x) || /\bo-[a-z0-9]{10,32}\b/.test(x);

/** A condition value that narrows the callers: no wildcard, or a wildcard pattern that still pins an account or organization. */
function valueNarrows(x: unknown): boolean {
  if (typeof x !== 'string' || x.length === 0) return false;
  if (!/[*?]/.test(x)) return true;
  return pinsAccountOrOrg(x);
}

/**
 * An `aws:SourceArn` value that names resources of known owners: a value without wildcards, one
 * that pins an account or organization (`arn:aws:sns:*:123456789012:*`), or one that names a single
 * S3 bucket (`arn:aws:s3:*:*:<bucket>`, `arn:aws:s3:::<bucket>`): S3 bucket ARNs carry no account,
 * but a bucket name is global, so the name alone names one bucket.
 */
function sourceArnNarrows(x: unknown): boolean {
  if (valueNarrows(x)) return true;
  return typeof x === 'string' && /^arn:[^:*?]+:s3:[^:]*:[^:]*:[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(x);
}

/**
 * An `aws:userid` value that names one caller: a unique id (`AIDA…`, `AROA…:session`, unique across
 * AWS) or an account id (the root user, or `<account>:<name>` for federated users). A pattern such as
 * `*:alice` or `AROA*` names a caller in any account.
 */
function userIdNarrows(x: unknown): boolean {
  if (typeof x !== 'string') return false;
  const [id = '', ...rest] = x.split(':');
  if (/^\d{12}$/.test(id)) return true;
  return /^A[A-Z0-9]{3}[A-Z0-9]{12,}$/.test(id) && (rest.length === 0 || rest.length === 1);
}

/** True when `values` of the scoping condition key `key` narrow the callers. */
function narrows(key: string, values: unknown[]): boolean {
  if (values.length === 0) return false;
  switch (key.toLowerCase()) {
    case 'aws:sourceip':
      return ipRangesNarrow(values);
    case 'aws:sourcearn':
      return values.every(sourceArnNarrows);
    case 'aws:userid':
      return values.every(userIdNarrows);
    default:
      return values.every(valueNarrows);
  }
}

/** A condition block's entries, whatever JSON types a malformed policy put there. */
function conditionEntries(stmt: Statement): [operator: string, key: string, values: unknown[]][] {
  const out: [string, string, unknown[]][] = [];
  const condition: unknown = stmt.Condition;
  if (!condition || typeof condition !== 'object') return out;
  for (const [operator, block] of Object.entries(condition)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) out.push([operator, key, Array.isArray(value) ? value : [value]]);
  }
  return out;
}

/** Scoping condition keys present in a statement, with values that actually narrow the callers. */
export function scopingConditionKeys(stmt: Statement): string[] {
  return conditionEntries(stmt)
    .filter(([operator, key, values]) => POSITIVE_OPERATOR.test(operator) && SCOPING.has(key.toLowerCase()) && narrows(key, values))
    .map(([, key]) => key);
}

/** An Allow to everyone that no restricting condition scopes. */
export function isPublicAllow(stmt: Statement): boolean {
  if (stmt.Effect !== 'Allow') return false;
  const everyone = principalIsEveryone(stmt.Principal) || stmt.NotPrincipal !== undefined;
  return everyone && scopingConditionKeys(stmt).length === 0;
}

/**
 * A Deny that leaves only known callers: its principal is everyone, and every condition it has is a
 * negated operator on a scoping key with narrowing values (`StringNotEquals aws:PrincipalOrgID
 * o-…`, `StringNotEquals aws:SourceVpce vpce-…`). A Deny applies when all its conditions hold, so the
 * callers it spares are those that match at least one of the named scopes; any other condition
 * (`Bool aws:SecureTransport`, `aws:PrincipalIsAWSService`, …) spares callers outside every scope,
 * and the Deny does not count. A Deny without a condition spares no one.
 */
export function isScopingDeny(stmt: Statement): boolean {
  if (stmt.Effect !== 'Deny' || stmt.NotPrincipal !== undefined || !principalIsEveryone(stmt.Principal)) return false;
  return conditionEntries(stmt).every(([operator, key, values]) => NEGATED_OPERATOR.test(operator) && SCOPING.has(key.toLowerCase()) && narrows(key, values));
}

/** Does action pattern `outer` match every action `inner` matches? (Sound, not complete.) */
function patternContains(outer: string, inner: string): boolean {
  const o = outer.toLowerCase();
  const i = inner.toLowerCase();
  if (o === '*' || o === i) return true;
  if (!/[*?]/.test(i)) return wildcardMatch(outer, inner);
  return /^[^*?]*\*$/.test(o) && i.startsWith(o.slice(0, -1));
}

/** Could some action match both patterns? (Errs on yes.) */
function patternsOverlap(a: string, b: string): boolean {
  if (/[*?]/.test(a) && /[*?]/.test(b)) return true;
  return wildcardMatch(a, b) || wildcardMatch(b, a);
}

/**
 * True when `deny` denies at least every action `allow` grants on a resource of `service`
 * (`sqs`, `sns`). In a resource policy only that service's actions apply, so `<service>:*` covers a
 * `NotAction` Allow.
 */
export function deniesEveryActionOf(deny: Statement, allow: Statement, service: string): boolean {
  const granted = allow.Action !== undefined ? asList(allow.Action) : undefined;
  const spared = allow.NotAction !== undefined ? asList(allow.NotAction) : undefined;
  if (deny.Action !== undefined) {
    const denied = asList(deny.Action);
    if (granted) return granted.every((p) => denied.some((q) => patternContains(q, p)));
    if (spared) return denied.some((q) => q === '*' || q.toLowerCase() === `${service.toLowerCase()}:*`);
    return false;
  }
  if (deny.NotAction !== undefined) {
    const exceptions = asList(deny.NotAction);
    if (granted) return granted.every((p) => exceptions.every((n) => !patternsOverlap(n, p)));
    if (spared) return exceptions.every((n) => spared.some((m) => patternContains(m, n)));
  }
  return false;
}

/**
 * The Deny statements of `policy` that confine `allow` to known callers on `resourceArn`: a scoping
 * Deny (`isScopingDeny`) that covers the resource and at least every action `allow` grants.
 */
export function scopingDeniesOf(policy: PolicyDocument | null, allow: Statement, resourceArn: string): Statement[] {
  const service = resourceArn.split(':')[2] ?? '';
  return statementsOf(policy).filter((d) => isScopingDeny(d) && coversResource(d, resourceArn) && deniesEveryActionOf(d, allow, service));
}

/** The services whose resources a statement's `aws:SourceArn` conditions name (`s3.amazonaws.com` for `arn:aws:s3:::…`). */
export function sourceArnServices(s: Statement): string[] {
  const services = new Set<string>();
  for (const [, key, values] of conditionEntries(s)) {
    if (key.toLowerCase() !== 'aws:sourcearn') continue;
    for (const v of values) {
      const service = typeof v === 'string' ? /^arn:[^:]+:([a-z0-9-]+):/.exec(v)?.[1] : undefined;
      if (service) services.add(`${service}.amazonaws.com`);
    }
  }
  return [...services];
}

function conditionSays(stmt: Statement, operators: RegExp, key: string, expected: string): boolean {
  for (const [operator, block] of Object.entries(stmt.Condition ?? {})) {
    if (!operators.test(operator)) continue;
    for (const [k, v] of Object.entries(block)) {
      if (k.toLowerCase() !== key.toLowerCase()) continue;
      const values = asList(v as unknown[]).map((x) => String(x).toLowerCase());
      if (values.length > 0 && values.every((x) => x === expected.toLowerCase())) return true;
    }
  }
  return false;
}

/**
 * A Deny for everyone of `action` on `arn` whenever `aws:SecureTransport` is false: the
 * "require TLS" statement, whoever wrote it and whatever its Sid.
 */
export function isSecureTransportDeny(stmt: Statement, arn: string, requiredActions: (s: Statement) => boolean): boolean {
  return (
    stmt.Effect === 'Deny' &&
    principalIsEveryone(stmt.Principal) &&
    requiredActions(stmt) &&
    coversResource(stmt, arn) &&
    conditionSays(stmt, /^Bool(IfExists)?$/i, 'aws:SecureTransport', 'false') &&
    onlyConditionKey(stmt, 'aws:SecureTransport')
  );
}

/** True when `key` is the statement's only condition key (a narrower deny does not count). */
export function onlyConditionKey(stmt: Statement, key: string): boolean {
  return Object.values(stmt.Condition ?? {}).every((block) => Object.keys(block).every((k) => k.toLowerCase() === key.toLowerCase()));
}

/** True when a condition block of `stmt` requires `key` to equal `value` (StringEquals/StringLike family). */
export function conditionRequires(stmt: Statement, key: string, value: string): boolean {
  return conditionSays(stmt, /^String(Equals|Like)(IgnoreCase)?(IfExists)?$/i, key, value);
}

/** A new document with `stmt` appended; the input is never mutated. */
export function appendStatement(doc: PolicyDocument | null, stmt: Statement, id?: string): PolicyDocument {
  if (!doc) return { Version: '2012-10-17', ...(id ? { Id: id } : {}), Statement: [stmt] };
  return { ...doc, Statement: [...statementsOf(doc), stmt] };
}

/** A new document with statement `index` replaced; every other statement survives untouched. */
export function replaceStatement(doc: PolicyDocument, index: number, stmt: Statement): PolicyDocument {
  const list = statementsOf(doc).slice();
  list[index] = stmt;
  return { ...doc, Statement: list };
}

/** A Sid not yet used in the document, starting from `base`. */
export function uniqueSid(doc: PolicyDocument | null, base: string): string {
  const used = new Set(statementsOf(doc).map((s) => s.Sid));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/**
 * Which of `actions` the KMS key policy does NOT let the service principal `service` use.
 * An Allow counts when its principal names the service, or is everyone with no condition at all
 * (conditions such as `kms:CallerAccount` or `kms:ViaService` do not match service principals), and
 * its actions cover the action; an unconditional Deny that matches takes it away again.
 */
export function keyPolicyMissingActions(keyPolicy: PolicyDocument | null, service: string, actions: string[]): string[] {
  const stmts = statementsOf(keyPolicy);
  const names = (s: Statement) => servicePrincipalsOf(s).some((p) => p.toLowerCase() === service.toLowerCase());
  const matchesPrincipal = (s: Statement) => principalIsEveryone(s.Principal) || names(s);
  const grants = (s: Statement) => names(s) || (principalIsEveryone(s.Principal) && !s.Condition);
  return actions.filter((action) => {
    const allowed = stmts.some((s) => s.Effect === 'Allow' && grants(s) && coversAction(s, action));
    const denied = stmts.some((s) => s.Effect === 'Deny' && matchesPrincipal(s) && coversAction(s, action) && !s.Condition);
    return !allowed || denied;
  });
}

export function serializePolicy(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}

/** Policy text with whitespace normalized, to compare what was read with what is live. */
export function canonicalPolicyText(policy: string | null | undefined): string {
  if (!policy) return '';
  try {
    return JSON.stringify(JSON.parse(policy));
  } catch {
    return policy;
  }
}
