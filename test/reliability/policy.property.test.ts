/**
 * Properties of the policy algebra (policy.ts, public-access.ts, remediations/policy-statement.ts)
 * through the five policy remediations' own evaluate, on generated policies (any mix of principals,
 * actions, resources, conditions with scoping and non-scoping operators and values, unknown keys):
 * - adding a statement twice equals adding it once (the written policy is compliant, and nothing
 *   but the one statement was added);
 * - scoping never removes or alters an unrelated statement, and leaves nothing public;
 * - the public-access verdict does not depend on statement order;
 * - a rollback plan (planRollback) of any of these changes puts the policy back as it was.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  CATALOG,
  findRemediation,
  isPublicAllow,
  parsePolicy,
  snsTopic,
  sqsQueue,
  statementsOf,
  type AnyRemediation,
  type Assessment,
  type EvaluateConfig,
  type PolicyDocument,
  type Statement,
} from '@fixbridge/core';
import { planRollback } from '@fixbridge/core/hub';
import { offline } from '../support/projects';
import { QUEUE_ARN, queueState, TOPIC_ARN, topicState } from '../support/states';
import { canonical, SEED } from './support';

const NUM_RUNS = Number(process.env.FIXBRIDGE_PROPERTY_RUNS) || 400;
const ACCOUNT = '123456789012';

// ---- generated policies ----------------------------------------------------------------------

const conditionValue = fc.constantFrom(
  ACCOUNT,
  '111122223333',
  `arn:aws:sns:us-east-1:${ACCOUNT}:orders-topic`,
  `arn:aws:sns:us-east-1:${ACCOUNT}:*`,
  'arn:aws:*',
  '*',
  'o-a1b2c3d4e5',
  'o-*',
  '0.0.0.0/0',
  '203.0.113.0/24',
  'vpce-1a2b3c4d',
  'false',
  'true',
  'http',
  'https',
  '',
);
const condition = fc.dictionary(
  fc.constantFrom('StringEquals', 'StringLike', 'ArnEquals', 'ArnLike', 'IpAddress', 'StringNotEquals', 'NotIpAddress', 'Null', 'StringEqualsIfExists', 'ForAllValues:StringEquals', 'ForAnyValue:StringLike', 'Bool', 'BoolIfExists'),
  fc.dictionary(
    fc.constantFrom('aws:SourceArn', 'aws:SourceAccount', 'AWS:SourceOwner', 'aws:PrincipalOrgID', 'aws:SourceVpce', 'aws:SourceIp', 'aws:SecureTransport', 'SNS:Protocol', 'aws:userid', 'aws:CurrentTime'),
    fc.oneof(conditionValue, fc.array(conditionValue, { minLength: 1, maxLength: 3 })),
    { minKeys: 1, maxKeys: 2 },
  ),
  { minKeys: 1, maxKeys: 2 },
);
const principal = fc.oneof(
  fc.constant('*' as const),
  fc.constant({ AWS: '*' }),
  fc.constant({ AWS: [`arn:aws:iam::${ACCOUNT}:root`, '*'] }),
  fc.constant({ AWS: `arn:aws:iam::${ACCOUNT}:role/app` }),
  fc.constant({ AWS: ['arn:aws:iam::111122223333:root', `arn:aws:iam::${ACCOUNT}:user/alice`] }),
  fc.constant({ Service: 'sns.amazonaws.com' }),
  fc.constant({ Service: ['events.amazonaws.com', 's3.amazonaws.com'] }),
  fc.constant({ AWS: '*', Service: 'events.amazonaws.com' }),
);
const actions = fc.oneof(
  fc.constantFrom('*', 'sqs:*', 'sqs:SendMessage', 'SQS:ReceiveMessage', 'sns:*', 'SNS:Publish', 'SNS:Subscribe', 'sns:Receive', 'sns:Get*'),
  fc.array(fc.constantFrom('sqs:SendMessage', 'sqs:DeleteMessage', 'SNS:Publish', 'SNS:Subscribe', 'SNS:GetTopicAttributes'), { minLength: 1, maxLength: 3 }),
);
const resource = fc.oneof(fc.constantFrom(QUEUE_ARN, TOPIC_ARN, '*', 'arn:aws:sqs:us-east-1:123456789012:*'), fc.constant([QUEUE_ARN, TOPIC_ARN]));

const statement: fc.Arbitrary<Statement> = fc
  .record(
    {
      Sid: fc.oneof(fc.constantFrom('AllowTopic', 'FixbridgeDenyInsecureTransport', 'FixbridgeDenyHttpSubscriptions', '__default_statement_ID'), fc.string({ maxLength: 8 })),
      Effect: fc.constantFrom('Allow' as const, 'Deny' as const),
      Principal: principal,
      NotPrincipal: fc.constant({ AWS: `arn:aws:iam::${ACCOUNT}:root` }),
      Action: actions,
      NotAction: fc.constantFrom('sqs:DeleteQueue', 'SNS:DeleteTopic'),
      Resource: resource,
      Condition: condition,
      'X-Unknown-Key': fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: ['Effect'] },
  )
  // A statement has a principal or a NotPrincipal, and an action or a NotAction, as AWS requires.
  .filter((s) => (s.Principal === undefined) !== (s.NotPrincipal === undefined) && (s.Action === undefined) !== (s.NotAction === undefined)) as fc.Arbitrary<Statement>;

/**
 * Statements that meet each other: a public one, the very statement scoping it to the account makes,
 * the TLS deny fixbridge adds. Drawn often, so policies repeat them and hold them next to their
 * scoped or added twins (where "which statement was it" matters).
 */
const PUBLIC = { Sid: 'P', Effect: 'Allow' as const, Principal: '*' as const, Action: 'sqs:SendMessage', Resource: QUEUE_ARN };
const PUBLIC_SCOPED = { ...PUBLIC, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } };
const PUBLIC_ORG = { ...PUBLIC, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } };
const TLS_DENY = { Sid: 'FixbridgeDenyInsecureTransport', Effect: 'Deny' as const, Principal: '*' as const, Action: 'sqs:*', Resource: QUEUE_ARN, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
const someStatement: fc.Arbitrary<Statement> = fc.oneof({ weight: 3, arbitrary: statement }, { weight: 2, arbitrary: fc.constantFrom<Statement>(PUBLIC, PUBLIC_SCOPED, PUBLIC_ORG, TLS_DENY) });

const policy: fc.Arbitrary<PolicyDocument | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 8,
    arbitrary: fc.record(
      { Version: fc.constantFrom('2012-10-17', '2008-10-17'), Id: fc.constantFrom('owned-by-the-app-team', '__default_policy_ID'), Statement: fc.oneof(fc.array(someStatement, { maxLength: 7 }), someStatement) },
      { requiredKeys: ['Statement'] },
    ) as fc.Arbitrary<PolicyDocument>,
  },
);
const settings = fc.oneof(fc.constant<EvaluateConfig>({ exemptTagKey: 'fixbridge:exempt' }), fc.constant<EvaluateConfig>({ exemptTagKey: 'fixbridge:exempt', organizationId: 'o-a1b2c3d4e5' }));

// ---- the remediations under test -------------------------------------------------------------

const remediation = (id: string): AnyRemediation => findRemediation(id, CATALOG)!;
const ADDS = ['sqs-require-tls', 'sns-require-tls', 'sns-deny-http-subscriptions'].map(remediation);
const SCOPES = ['sqs-block-public-access', 'sns-block-public-access'].map(remediation);

/** The state each kind's read would return for a resource with `doc` as its policy (as the service returns it: JSON text). */
function stateWith(r: AnyRemediation, doc: PolicyDocument | null) {
  if (r.kind === sqsQueue) return { queue: queueState(doc ? { Policy: JSON.stringify(doc) } : {}) };
  const topic = topicState(null, doc ? { Policy: JSON.stringify(doc) } : {});
  return { topic };
}

/** The policy a plan writes, as it would reach the service (parsed from the op). */
function written(a: Assessment<unknown>): PolicyDocument {
  if (a.kind !== 'plan') throw new Error(`expected a plan, got ${a.kind}: ${a.reason}`);
  const op = a.ops[0] as { attributes?: { Policy?: string }; value?: string };
  return parsePolicy(op.attributes?.Policy ?? op.value)!;
}

const evaluate = (r: AnyRemediation, doc: PolicyDocument | null, config: EvaluateConfig) => r.evaluate(stateWith(r, doc), {}, config) as Assessment<unknown>;
const statementsText = (doc: PolicyDocument | null) => statementsOf(doc).map(canonical);

offline('property: the policy algebra', () => {
  it.each(ADDS.map((r) => [r.id, r] as const))('%s: adding the statement twice equals adding it once', (_id, r) => {
    fc.assert(
      fc.property(policy, settings, (doc, config) => {
        const first = evaluate(r, doc, config);
        if (first.kind === 'compliant') return;
        const once = written(first);
        // Every statement before, in order and unchanged, and one more.
        expect(statementsText(once).slice(0, -1)).toEqual(statementsText(doc));
        expect(statementsOf(once)).toHaveLength(statementsOf(doc).length + 1);
        // Adding it again adds nothing: the policy written once is compliant.
        expect(evaluate(r, once, config).kind).toBe('compliant');
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  }, 120_000);

  it.each(SCOPES.map((r) => [r.id, r] as const))('%s: scoping never removes or alters an unrelated statement, and leaves nothing public', (_id, r) => {
    fc.assert(
      fc.property(policy, settings, (doc, config) => {
        const a = evaluate(r, doc, config);
        if (a.kind !== 'plan') return;
        const after = written(a);
        const scoped = new Set(a.changes.map((c) => Number(/^Policy\.Statement\[(\d+)\]$/.exec(c.field)![1])));
        const [was, now] = [statementsOf(doc), statementsOf(after)];
        expect(now).toHaveLength(was.length);
        was.forEach((s, i) => {
          if (!scoped.has(i)) expect(canonical(now[i]), `statement ${i}`).toBe(canonical(s));
          else {
            // Only who may call changes: the principal, or a condition added; every other key as it was.
            const { Principal: _p, NotPrincipal: _n, Condition: _c, ...rest } = s;
            const { Principal: _p2, NotPrincipal: _n2, Condition: _c2, ...restNow } = now[i]!;
            expect(canonical(restNow), `statement ${i}`).toBe(canonical(rest));
            expect(isPublicAllow(now[i]!), `statement ${i} still public`).toBe(false);
          }
        });
        expect(evaluate(r, after, config).kind).toBe('compliant');
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  }, 120_000);

  it.each(SCOPES.map((r) => [r.id, r] as const))('%s: the public-access verdict does not depend on statement order', (_id, r) => {
    fc.assert(
      fc.property(policy, settings, fc.array(fc.nat()), (doc, config, keys) => {
        const list = statementsOf(doc);
        const order = list.map((_, i) => i).sort((x, y) => (keys[x] ?? x) - (keys[y] ?? y) || x - y);
        const shuffled = doc ? { ...doc, Statement: order.map((i) => list[i]!) } : null;
        const [a, b] = [evaluate(r, doc, config), evaluate(r, shuffled, config)];
        expect(b.kind).toBe(a.kind);
        if (a.kind !== 'plan' || b.kind !== 'plan') return;
        // The same statements are found public and scoped the same way, wherever they stand.
        const publicOf = (x: typeof a) => x.changes.map((c) => canonical(c.before)).sort();
        expect(publicOf(b)).toEqual(publicOf(a));
        expect(statementsText(written(b)).sort()).toEqual(statementsText(written(a)).sort());
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  }, 120_000);

  it.each([...ADDS, ...SCOPES].map((r) => [r.id, r] as const))('%s: the rollback plan of its change puts the policy back as it was', (_id, r) => {
    const kind = r.kind === sqsQueue ? sqsQueue : snsTopic;
    fc.assert(
      fc.property(policy, settings, (doc, config) => {
        const a = evaluate(r, doc, config);
        if (a.kind !== 'plan') return;
        const after = written(a);
        const state = stateWith(r, after);
        const current = kind.restorer.current(('queue' in state ? state.queue : state.topic) as never);
        const back = planRollback(a.changes, kind.restorer, current, {}, kind.label);
        expect(back.refused).toEqual([]);
        const restored = back.values.Policy;
        const text = typeof restored === 'string' || restored === null ? (restored as string | null) : JSON.stringify(restored);
        if (doc === null) expect(text === null || statementsOf(parsePolicy(text)).length === 0).toBe(true);
        else expect(statementsText(parsePolicy(text))).toEqual(statementsText(doc));
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  }, 120_000);
});
