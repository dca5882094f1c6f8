/**
 * The account-wide sweep (core/src/sweep.ts): scope and targets (pure), then against the emulator:
 * every page listed, two regions, two accounts (moto maps assumed-role credentials to the role's
 * account), a failing account reported while the sweep goes on, the API economy as call counts,
 * and stopping cleanly.
 */
import { CreateAccountCommand, CreateOrganizationCommand, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { expect, it } from 'vitest';
import { ClientPool, createClients, CATALOG, defaultConfig, parseConfig, defineKind, defineRemediation, InputError, sqsQueue, type Result, type ResourceKind } from '@fixbridge/core';
import { parseAccounts, parseRegions, sweep, sweepAccess, sweepScope, SweepSummarySchema, workItemsOf, sweepTrigger, type SweepAccess, type SweepBatch } from '@fixbridge/core/sweep';
import { z } from 'zod';
import { ACCOUNT, recordingPool, uniqueName } from '../support/aws';
import { offline, onEmulator } from '../support/projects';
import { accountCredentials, attributesOf, compliantAttributes, createQueueIn, createQueuesIn, queueArnIn, sqsIn } from '../support/sweep';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ids = (scope: { remediations: readonly { id: string }[] }) => scope.remediations.map((r) => r.id);

offline('sweep: scope and targets', () => {
  it('runs every remediation by default, those of --services, or only those of --only', () => {
    expect(ids(sweepScope({}))).toEqual(CATALOG.map((r) => r.id));
    expect(sweepScope({ services: 'sns,mq' }).kinds.map((k) => k.type)).toEqual(['sns-topic', 'mq-broker']);
    expect(ids(sweepScope({ only: 'sqs-require-tls,sns-require-tls' }))).toEqual(['sqs-require-tls', 'sns-require-tls']);
    expect(ids(sweepScope({ services: 'sqs', only: 'sqs-require-tls,sns-require-tls' }))).toEqual(['sqs-require-tls']);
  });

  it('rejects an unknown service or remediation, and an --only outside --services, naming them', () => {
    expect(() => sweepScope({ services: 'sqs,ec2' })).toThrow(new InputError('--services: unknown service "ec2" (fixbridge sweeps sqs, sns, mq)'));
    expect(() => sweepScope({ only: 'sqs-nope' })).toThrow(/--only: unknown remediation "sqs-nope"/);
    expect(() => sweepScope({ services: 'mq', only: 'sqs-require-tls' })).toThrow(/names no remediation of --services mq/);
    expect(() => sweepScope({ services: '' })).toThrow(InputError);
  });

  it('reads --accounts and --regions, or says what is wrong', () => {
    expect(parseAccounts(undefined)).toEqual({ kind: 'self' });
    expect(parseAccounts('org')).toEqual({ kind: 'org' });
    expect(parseAccounts('111111111111, 222222222222,111111111111')).toEqual({ kind: 'list', ids: ['111111111111', '222222222222'] });
    expect(() => parseAccounts('12345')).toThrow(/"12345" is not a 12-digit account id/);
    expect(parseRegions(undefined, 'eu-west-1')).toEqual(['eu-west-1']);
    expect(parseRegions('all', undefined)).toBe('all');
    expect(parseRegions('us-east-1,eu-west-1', undefined)).toEqual(['us-east-1', 'eu-west-1']);
    expect(() => parseRegions('us-east-1,Mars', undefined)).toThrow(/"Mars" is not an AWS region/);
    expect(() => parseRegions(undefined, undefined)).toThrow(/needs --regions/);
  });

  it('turns a listing into one work item per remediation of its kind, and one skipped item for what it cannot name', () => {
    const scope = sweepScope({ services: 'sqs' });
    const items = workItemsOf(sqsQueue, { arn: 'arn:aws:sqs:us-east-1:123456789012:orders', hint: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders' }, scope.remediations, sweepTrigger('s-1'));
    expect(items.map((i) => [i.remediation?.id, i.ref?.hint])).toEqual(ids(scope).map((id) => [id, 'https://sqs.us-east-1.amazonaws.com/123456789012/orders']));
    const [odd] = workItemsOf(sqsQueue, { listed: 'https://example.com/odd', error: 'malformed queue URL' }, scope.remediations, sweepTrigger('s-1'));
    expect(odd).toMatchObject({ remediation: null, resourceArn: 'https://example.com/odd', skip: 'the sweep listed an SQS queue fixbridge cannot name: malformed queue URL' });
  });
});

/** A kind whose resources live in memory: `count` of them, each written by a plan of two ops. */
function memoryKind(count: number, onWrite: () => Promise<void> = async () => {}) {
  const state = new Map<string, { a: boolean; b: boolean }>();
  let listedAhead = 0;
  let maxAhead = 0;
  let done = 0;
  const kind = defineKind<'sqs-queue', { arn: string; a: boolean; b: boolean }, { step: 'a' | 'b'; arn: string }>({
    ...(sqsQueue as unknown as ResourceKind<'sqs-queue', { arn: string; a: boolean; b: boolean }, { step: 'a' | 'b'; arn: string }>),
    read: async (_c, ref) => ({ arn: ref.arn, ...(state.get(ref.arn) ?? { a: false, b: false }) }),
    readTags: async () => ({}),
    applyOps: async (_c, ops) => {
      for (const op of ops) {
        await onWrite();
        state.set(op.arn, { ...(state.get(op.arn) ?? { a: false, b: false }), [op.step]: true });
      }
    },
    list: {
      permission: 'sqs:ListQueues',
      async *all() {
        for (let i = 0; i < count; i++) {
          listedAhead++;
          maxAhead = Math.max(maxAhead, listedAhead - done);
          yield { arn: `arn:aws:sqs:us-east-1:123456789012:q-${i}`, hint: `https://sqs.us-east-1.amazonaws.com/123456789012/q-${i}` };
        }
      },
    },
  });
  const remediation = defineRemediation({
    id: 'two-steps',
    title: 'two writes',
    kind,
    controls: { securityHub: [], qualys: [], seeds: [] },
    risk: 'low',
    permissions: [],
    optionsSchema: z.object({}).strict(),
    read: async (ctx) => ctx.resource(),
    evaluate: (s) =>
      s.a && s.b
        ? { kind: 'compliant', reason: 'both' }
        : { kind: 'plan', reason: 'write a then b', changes: [{ field: 'ab', description: 'a and b', before: null, after: true }], ops: [{ step: 'a', arn: s.arn }, { step: 'b', arn: s.arn }] },
  });
  return { kind, remediation, state, stats: { maxAhead: () => maxAhead, finished: () => done++ } };
}

const memoryClients = new ClientPool((region) => createClients({ region }));
const memoryAccess: SweepAccess = {
  homeAccountId: ACCOUNT,
  homeRegion: 'us-east-1',
  clientsFor: async (_a, region) => memoryClients.get(region),
  organizationAccounts: async () => [ACCOUNT],
  enabledRegions: async () => ['us-east-1'],
};

offline('sweep: the organization', () => {
  it('reports an organization it cannot list as one failed result, and sweeps nothing', async () => {
    const results: Result[] = [];
    const m = memoryKind(3);
    const denied = Object.assign(new Error('You don’t have permissions to access this resource.'), { name: 'AccessDeniedException' });
    const summary = await sweep(
      { scope: { remediations: [m.remediation], kinds: [m.kind] }, accounts: { kind: 'org' }, regions: ['us-east-1'] },
      { config: defaultConfig([]), access: { ...memoryAccess, organizationAccounts: () => Promise.reject(denied) }, onResults: (b) => void results.push(...b.results) },
    );
    expect(results).toEqual([
      expect.objectContaining({
        status: 'failed',
        remediation: null,
        reason: "cannot list the organization's accounts (sweep with the credentials of the management account or of a delegated administrator): AccessDeniedException: You don’t have permissions to access this resource.; nothing was swept",
      }),
    ]);
    expect(summary).toMatchObject({ accounts: [], listed: 0, resources: 0, totals: expect.objectContaining({ failed: 1 }) });
  });
});

offline('sweep: streaming and stopping', () => {
  it('lists at most a bounded buffer ahead of the work, and reports every resource once', async () => {
    const m = memoryKind(3_000);
    const seen = new Set<string>();
    const summary = await sweep(
      { scope: { remediations: [m.remediation], kinds: [m.kind] }, accounts: { kind: 'self' }, regions: ['us-east-1'] },
      {
        config: defaultConfig([]),
        access: memoryAccess,
        modeOverride: 'auto',
        concurrency: 8,
        onResults: (b: SweepBatch) => {
          m.stats.finished();
          for (const r of b.results) seen.add(r.resourceArn!);
        },
      },
    );
    expect(summary).toMatchObject({ listed: 3_000, resources: 3_000, interrupted: false, notStarted: 0, totals: expect.objectContaining({ applied: 3_000 }) });
    expect(seen.size).toBe(3_000);
    expect(m.stats.maxAhead()).toBeLessThanOrEqual(2_000 + 8 + 1);
    expect(SweepSummarySchema.parse(summary)).toEqual(summary);
  });

  it('after an abort starts no resource, finishes the ones in flight (both writes), and says how many were not started', async () => {
    const controller = new AbortController();
    let writes = 0;
    const m = memoryKind(200, async () => {
      if (++writes === 3) controller.abort(); // in the middle of the second resource's plan
      await new Promise((r) => setTimeout(r, 2));
    });
    const results: Result[] = [];
    const summary = await sweep(
      { scope: { remediations: [m.remediation], kinds: [m.kind] }, accounts: { kind: 'self' }, regions: ['us-east-1'] },
      { config: defaultConfig([]), access: memoryAccess, modeOverride: 'auto', concurrency: 2, signal: controller.signal, onResults: (b) => void results.push(...b.results) },
    );
    // No resource is left with one write of two.
    expect([...m.state.values()].filter((s) => s.a !== s.b)).toEqual([]);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 'applied'));
    expect(results.length).toBe([...m.state.values()].filter((s) => s.a && s.b).length);
    expect(results.length).toBeLessThan(200);
    expect(summary.interrupted).toBe(true);
    expect(summary.resources).toBe(results.length);
    expect(summary.notStarted).toBeGreaterThan(0);
    expect(summary.listed).toBeGreaterThanOrEqual(summary.resources + summary.notStarted);
  });
});

onEmulator('sweep', () => {
  const config = defaultConfig();
  const run = async (access: SweepAccess, opts: { regions: string[]; accounts?: Parameters<typeof sweep>[0]['accounts']; services?: string; only?: string; mode?: 'auto' | 'dry-run' }) => {
    const batches: SweepBatch[] = [];
    const summary = await sweep(
      { scope: sweepScope({ services: opts.services, only: opts.only }), accounts: opts.accounts ?? { kind: 'self' }, regions: opts.regions },
      { config, access, modeOverride: opts.mode, verifyDelaysMs: [200, 400, 800], onResults: (b) => void batches.push(b) },
    );
    return { summary, batches, results: batches.flatMap((b) => b.results) };
  };

  it('lists every page: more than 1,000 queues in a region are all listed', async () => {
    const region = 'eu-north-1';
    const prefix = uniqueName('many');
    const names = Array.from({ length: 1_005 }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
    await createQueuesIn(sqsIn(region), names, () => ({}), 50);
    // Listing is what is checked: stop the sweep as soon as it is complete (the lookahead holds 2,000).
    const controller = new AbortController();
    const summary = await sweep(
      { scope: sweepScope({ services: 'sqs', only: 'sqs-block-public-access' }), accounts: { kind: 'self' }, regions: [region] },
      { config, access: await sweepAccess({ region: 'us-east-1' }), signal: controller.signal, onProgress: (p) => p.listingDone && controller.abort() },
    );
    expect(summary.targets).toEqual([{ accountId: ACCOUNT, region, resourceType: 'sqs-queue', listed: expect.any(Number) }]);
    expect(summary.targets[0]!.listed).toBeGreaterThanOrEqual(1_005);
    expect(summary.listed).toBe(summary.targets[0]!.listed);
    expect(summary.interrupted).toBe(true);
  });

  it('sweeps two regions and two accounts, each resource read back from its own account and region', async () => {
    const [r1, r2] = ['eu-west-3', 'ap-south-1'];
    const other = '210987654321';
    const name = uniqueName('two');
    const theirs = await accountCredentials(other);
    await createQueueIn(sqsIn(r1), name, { SqsManagedSseEnabled: 'false' });
    await createQueueIn(sqsIn(r2), name, { SqsManagedSseEnabled: 'false' });
    const theirUrl = await createQueueIn(sqsIn(r2, theirs), name, { SqsManagedSseEnabled: 'false' });

    const access = await sweepAccess({ region: 'us-east-1', externalId: 'test-external-id' });
    const { summary, results } = await run(access, { regions: [r1, r2], accounts: { kind: 'list', ids: [ACCOUNT, other] }, only: 'sqs-encrypt-at-rest', mode: 'auto' });
    const mine = results.filter((r) => r.resourceArn?.endsWith(`:${name}`));
    expect(mine.map((r) => [r.resourceArn, r.status]).sort()).toEqual(
      [
        [queueArnIn(r1, name), 'applied'],
        [queueArnIn(r2, name), 'applied'],
        [queueArnIn(r2, name, other), 'applied'],
      ].sort(),
    );
    // The other account's queue was changed with its own credentials, and only there.
    expect((await attributesOf(sqsIn(r2, theirs), theirUrl)).SqsManagedSseEnabled).toBe('true');
    expect(summary.accounts).toEqual([ACCOUNT, other]);
    expect(summary.targets.map((t) => `${t.accountId} ${t.region} ${t.resourceType}`)).toEqual([`${ACCOUNT} ${r1} sqs-queue`, `${ACCOUNT} ${r2} sqs-queue`, `${other} ${r1} sqs-queue`, `${other} ${r2} sqs-queue`]);
  });

  it('reports an account it cannot reach as failed, naming the account and role, and sweeps the others', async () => {
    const region = 'eu-west-3';
    const [reachable, denied] = ['210987654321', '310987654321'];
    const name = uniqueName('deny');
    await createQueueIn(sqsIn(region, await accountCredentials(reachable)), name);
    // STS refuses the role in one account, as AWS does when the member stack is not deployed there.
    const sts = new STSClient({ region: 'us-east-1' });
    sts.middlewareStack.add(
      (next, _context) => async (args) => {
        const input = (args as { input: { RoleArn?: string } }).input;
        if (input.RoleArn?.includes(`::${denied}:`)) throw Object.assign(new Error(`User is not authorized to perform: sts:AssumeRole on ${input.RoleArn}`), { name: 'AccessDenied', $fault: 'client' });
        return next(args);
      },
      { step: 'initialize', name: 'denyOneAccount' },
    );
    const access = await sweepAccess({ region: 'us-east-1', externalId: 'test-external-id', sts });
    const { summary, results } = await run(access, { regions: [region], accounts: { kind: 'list', ids: [denied, reachable] }, services: 'sqs' });
    const failed = results.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toMatch(new RegExp(`^account ${denied}: cannot assume role arn:aws:iam::${denied}:role/fixbridge-remediation .*AccessDenied.*; nothing in this account was swept$`));
    expect(results.filter((r) => r.resourceArn === queueArnIn(region, name, reachable)).length).toBeGreaterThan(0);
    expect(summary.targets.find((t) => t.accountId === denied)).toMatchObject({ region: null, error: expect.stringContaining('cannot assume role') });
  });

  it('finds the organization’s active accounts and the regions enabled for an account', async () => {
    const org = new OrganizationsClient({ region: 'us-east-1' });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' })).catch((err: Error) => {
      if (err.name !== 'AlreadyInOrganizationException') throw err;
    });
    await org.send(new CreateAccountCommand({ AccountName: uniqueName('member'), Email: `${uniqueName('m')}@example.com` }));
    const listed = ((await org.send(new ListAccountsCommand({}))).Accounts ?? []).filter((a) => a.Status === 'ACTIVE').map((a) => a.Id);
    const access = await sweepAccess({ region: 'us-east-1', externalId: 'test-external-id' });
    const accounts = await access.organizationAccounts();
    expect(accounts).toContain(ACCOUNT);
    expect(new Set(accounts)).toEqual(new Set(listed));
    expect(accounts.length).toBeGreaterThan(1);
    const regions = await access.enabledRegions(ACCOUNT);
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-south-1']));
  });

  it('reads no KMS key for a queue already encrypted with the configured key', async () => {
    const region = 'eu-south-1'; // this test's alone: every queue here uses the configured key
    const prefix = uniqueName('kms');
    const sqs = sqsIn(region);
    const dlqArn = queueArnIn(region, `${prefix}-dlq`);
    await createQueueIn(sqs, `${prefix}-dlq`, { SqsManagedSseEnabled: 'false', KmsMasterKeyId: 'alias/queues' });
    const url = await createQueueIn(sqs, `${prefix}-cmk`, { ...compliantAttributes(queueArnIn(region, `${prefix}-cmk`), dlqArn), SqsManagedSseEnabled: 'false', KmsMasterKeyId: 'alias/queues' });
    const rec = recordingPool();
    const batches: SweepBatch[] = [];
    await sweep(
      { scope: sweepScope({ services: 'sqs' }), accounts: { kind: 'self' }, regions: [region] },
      { config: parseConfig({ remediations: { 'sqs-encrypt-at-rest': { kmsKeyId: 'alias/queues' } } }), access: await sweepAccess({ region: 'us-east-1', pool: rec.pool }), onResults: (b) => void batches.push(b) },
    );
    expect(rec.requests.filter((r) => r.input.QueueUrl === url).map((r) => r.command)).toEqual(['GetQueueAttributesCommand']);
    expect(rec.calls.filter((c) => c === 'DescribeKeyCommand' || c === 'GetKeyPolicyCommand')).toEqual([]);
    expect(batches.flatMap((b) => b.results).find((r) => r.resourceArn === queueArnIn(region, `${prefix}-cmk`) && r.remediation === 'sqs-encrypt-at-rest')).toMatchObject({ status: 'compliant' });
  });

  it('spends one GetQueueAttributes on a compliant queue in a dry-run sweep, 4 calls on an encryption fix, 5 on a policy fix', async () => {
    const region = 'eu-west-3';
    const prefix = uniqueName('calls');
    const sqs = sqsIn(region);
    const dlqArn = queueArnIn(region, `${prefix}-dlq`);
    await createQueueIn(sqs, `${prefix}-dlq`);
    const urls = {
      compliant: await createQueueIn(sqs, `${prefix}-ok`, compliantAttributes(queueArnIn(region, `${prefix}-ok`), dlqArn)),
      unencrypted: await createQueueIn(sqs, `${prefix}-sse`, compliantAttributes(queueArnIn(region, `${prefix}-sse`), dlqArn, 'encryption')),
      noTls: await createQueueIn(sqs, `${prefix}-tls`, compliantAttributes(queueArnIn(region, `${prefix}-tls`), dlqArn, 'tls')),
    };
    const callsTo = (requests: { command: string; input: Record<string, unknown> }[], url: string) => requests.filter((r) => r.input.QueueUrl === url).map((r) => r.command);

    const dry = recordingPool();
    await run(await sweepAccess({ region: 'us-east-1', pool: dry.pool }), { regions: [region], services: 'sqs' });
    expect(callsTo(dry.requests, urls.compliant)).toEqual(['GetQueueAttributesCommand']);
    // A plan needs the tags (is the queue exempt?), and nothing else.
    expect(callsTo(dry.requests, urls.unencrypted)).toEqual(['GetQueueAttributesCommand', 'ListQueueTagsCommand']);
    expect(dry.calls.filter((c) => c === 'ListQueuesCommand')).toHaveLength(1);
    // A dead-letter queue: one look at whether it serves others, and no lookup of a DLQ of its own.
    const dlqUrl = dry.requests.find((r) => r.command === 'ListDeadLetterSourceQueuesCommand' && String(r.input.QueueUrl).endsWith(`/${prefix}-dlq`))?.input.QueueUrl as string;
    expect(callsTo(dry.requests, dlqUrl)).toEqual(['GetQueueAttributesCommand', 'ListQueueTagsCommand', 'ListDeadLetterSourceQueuesCommand']);
    expect(dry.requests.filter((r) => r.command === 'GetQueueUrlCommand' && r.input.QueueName === `${prefix}-dlq-dlq`)).toEqual([]);
    // The listing gave every URL: no GetQueueUrl for any of them.
    expect(dry.requests.filter((r) => r.command === 'GetQueueUrlCommand' && [`${prefix}-ok`, `${prefix}-sse`, `${prefix}-tls`].includes(r.input.QueueName as string))).toEqual([]);

    const auto = recordingPool();
    const { results } = await run(await sweepAccess({ region: 'us-east-1', pool: auto.pool }), { regions: [region], services: 'sqs', mode: 'auto' });
    expect(callsTo(auto.requests, urls.compliant)).toEqual(['GetQueueAttributesCommand']);
    // Read, exemption check, write, verify.
    expect(callsTo(auto.requests, urls.unencrypted)).toEqual(['GetQueueAttributesCommand', 'ListQueueTagsCommand', 'SetQueueAttributesCommand', 'GetQueueAttributesCommand']);
    // A policy write re-reads the policy just before writing (never overwriting a concurrent edit): one more read.
    expect(callsTo(auto.requests, urls.noTls)).toEqual(['GetQueueAttributesCommand', 'ListQueueTagsCommand', 'GetQueueAttributesCommand', 'SetQueueAttributesCommand', 'GetQueueAttributesCommand']);
    expect(results.filter((r) => r.resourceArn?.startsWith(queueArnIn(region, `${prefix}-`)) && r.status === 'applied').map((r) => [r.resourceArn, r.remediation]).sort()).toEqual(
      [
        [queueArnIn(region, `${prefix}-sse`), 'sqs-encrypt-at-rest'],
        [queueArnIn(region, `${prefix}-tls`), 'sqs-require-tls'],
        [queueArnIn(region, `${prefix}-dlq`), 'sqs-require-tls'],
      ].sort(),
    );
  });
});

