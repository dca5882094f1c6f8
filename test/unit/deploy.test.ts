import { ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, expect, it } from 'vitest';
import { ClientPool, createClients, defaultConfig, makeResult, mqBroker, routeRunbook, run, sqsQueue, STATUSES, type Change, type Result, type ResultFields, type WorkItem } from '@fixbridge/core';
import {
  busEntry,
  deduplicationId,
  DISAGREEMENT_NOTE,
  findingUpdate,
  fromWorkMessage,
  idempotencyKey,
  memberClientsFor,
  messageGroupId,
  notificationFor,
  planRollback,
  sweepItems,
  toWorkMessage,
  type Delivery,
} from '@fixbridge/core/hub';
import { parseStageSettings, workerRoleName } from '../../stacks/settings';
import { offline } from '../support/projects';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';
const item = (eventId?: string, arn = ARN, remediation = 'sqs-require-tls'): WorkItem => {
  const [i] = routeRunbook(remediation, arn);
  return { ...i!, trigger: { kind: 'finding', eventId, findingId: 'f-1', productArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub' } };
};
const result = (status: Result['status'], over: Partial<ResultFields> & { pendingReboot?: true } = {}): Result =>
  makeResult({ remediation: 'sqs-require-tls', controls: ['Qualys:452'], resourceArn: ARN, mode: 'auto', changes: [], reason: 'because', ...over }, status, over);
const reported = (status: Result['status'], over: Partial<Delivery> = {}): Delivery => ({ item: item('e-1'), result: result(status), changeId: 'ch-0123456789abcdef0123', time: new Date(0), duplicate: false, ...over });

offline('work messages', () => {
  it('round-trip a work item through JSON, keeping the trigger and modes', () => {
    const i = { ...item('e-1'), forcedMode: 'dry-run' as const };
    const back = fromWorkMessage(JSON.stringify(toWorkMessage(i)));
    expect(back).toMatchObject({ resourceArn: ARN, trigger: i.trigger, forcedMode: 'dry-run' });
    expect(back.remediation?.id).toBe('sqs-require-tls');
  });

  it('reject malformed messages with the field', () => {
    expect(() => fromWorkMessage('{')).toThrow(/not valid JSON/);
    expect(() => fromWorkMessage(JSON.stringify({ remediation: 'nope', resourceArn: ARN, trigger: { kind: 'runbook' } }))).toThrow(/unknown remediation "nope"/);
    expect(() => fromWorkMessage(JSON.stringify({ remediation: 'sqs-require-tls', trigger: { kind: 'runbook' } }))).toThrow(/resourceArn/);
  });

  it('derive the same keys for the same event, remediation and resource only', () => {
    expect(idempotencyKey(item('e-1'))).toBe(idempotencyKey(item('e-1')));
    expect(idempotencyKey(item('e-1'))).not.toBe(idempotencyKey(item('e-2')));
    expect(idempotencyKey(item('e-1'))).not.toBe(idempotencyKey(item('e-1', `${ARN}-2`)));
    expect(idempotencyKey(item(undefined))).toBeUndefined();
    expect(deduplicationId(item(undefined))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('group by resource ARN, hashing ARNs longer than SQS allows', () => {
    expect(messageGroupId(item().ref!)).toBe(ARN);
    expect(messageGroupId(item(undefined, `arn:aws:sns:us-east-1:123456789012:${'t'.repeat(200)}`, 'sns-require-tls').ref!)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('give both ARN forms of one broker the same group and the same keys', () => {
    const id = 'b-1234abcd-56ef-78ab-90cd-1234567890ab';
    const [named, bare] = [`arn:aws:mq:us-east-1:123456789012:broker:orders:${id}`, `arn:aws:mq:us-east-1:123456789012:broker:${id}`].map((arn) => item('e-1', arn, 'mq-enable-logging'));
    expect(messageGroupId(named!.ref!)).toBe(messageGroupId(bare!.ref!));
    expect(idempotencyKey(named!)).toBeDefined();
    expect(idempotencyKey(named!)).toBe(idempotencyKey(bare!));
    expect(deduplicationId(named!)).toBe(deduplicationId(bare!));
    expect(idempotencyKey(named!)).not.toBe(idempotencyKey(item('e-1', `arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234abcd-56ef-78ab-90cd-000000000000`, 'mq-enable-logging')));
  });
});

offline('reporting', () => {
  it('leaves an applied logging change that waits for a broker reboot NOTIFIED (Security Hub fails MQ.2 until then)', () => {
    expect(findingUpdate(reported('applied', { result: result('applied', { pendingReboot: true }) }))?.Workflow.Status).toBe('NOTIFIED');
  });

  it('writes RESOLVED only after a verified fix, NOTIFIED otherwise, never leaving NEW', () => {
    expect(findingUpdate(reported('applied'))?.Workflow.Status).toBe('RESOLVED');
    for (const s of ['compliant', 'planned', 'awaiting-approval', 'blocked', 'not-remediable', 'failed', 'skipped'] as const) {
      expect(findingUpdate(reported(s))?.Workflow.Status).toBe('NOTIFIED');
    }
    // A FAILED finding fixbridge finds compliant is a disagreement a person resolves (Security Hub would never reopen it).
    const disagreement = findingUpdate(reported('compliant', { result: result('compliant', { reason: 'y'.repeat(900) }) }))!.Note.Text;
    expect(disagreement.startsWith(DISAGREEMENT_NOTE)).toBe(true);
    expect(disagreement).toMatch(/reports this resource failing, but fixbridge finds it compliant/);
    expect(findingUpdate(reported('applied'))!.Note.Text).not.toContain(DISAGREEMENT_NOTE);
    const long = reported('failed', { result: result('failed', { reason: 'x'.repeat(900) }) });
    expect(findingUpdate(long)!.Note.Text.length).toBeLessThanOrEqual(512);
    expect(findingUpdate(reported('applied', { item: { ...item('e'), trigger: { kind: 'runbook' } } }))).toBeUndefined();
  });

  it('names a detail type for every status and puts the result in the detail', () => {
    for (const s of STATUSES) expect(busEntry(reported(s), 'default').DetailType).toMatch(/^Remediation [A-Z]/);
    expect(busEntry(reported('awaiting-approval'), 'default').DetailType).toBe('Remediation Awaiting Approval');
    expect(JSON.parse(busEntry(reported('applied'), 'default').Detail)).toMatchObject({ status: 'applied', changeId: 'ch-0123456789abcdef0123', trigger: { kind: 'finding' } });
  });

  it('notifies people of notable results only, with a short subject', () => {
    expect(notificationFor(reported('compliant'))).toBeUndefined();
    expect(notificationFor(reported('skipped'))).toBeUndefined();
    const n = notificationFor(reported('applied'))!;
    expect(n.subject).toBe('fixbridge applied: sqs-require-tls on orders');
    expect(n.message).toContain('Undo: fixbridge rollback ch-0123456789abcdef0123 --mode auto');
  });
});

offline('sweep', () => {
  const mocks = [mockClient(SQSClient), mockClient(SNSClient), mockClient(MqClient)] as const;
  afterAll(() => mocks.forEach((m) => m.restore()));

  it('skips a listed resource it cannot name, and sweeps the rest', async () => {
    const [sqs, sns, mq] = mocks;
    sqs.on(ListQueuesCommand).resolves({ QueueUrls: ['https://sqs.us-east-1.amazonaws.com/not-an-account/odd', 'https://sqs.us-east-1.amazonaws.com/123456789012/orders'] });
    sns.on(ListTopicsCommand).resolves({ Topics: [{ TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' }, { TopicArn: 'arn:aws:sns:us-east-1:123456789012:odd:sub' }] });
    mq.on(ListBrokersCommand).resolves({ BrokerSummaries: [] });
    const items = await sweepItems(createClients({ region: 'us-east-1' }), 'sched-1');
    const skipped = items.filter((i) => i.skip);
    expect(skipped.map((i) => [i.resourceArn, i.remediation, i.ref])).toEqual([
      ['https://sqs.us-east-1.amazonaws.com/not-an-account/odd', null, undefined],
      ['arn:aws:sns:us-east-1:123456789012:odd:sub', null, undefined],
    ]);
    expect(skipped[0]!.skip).toMatch(/^the sweep listed an SQS queue fixbridge cannot name: malformed queue URL/);
    expect(new Set(items.filter((i) => !i.skip).map((i) => i.resourceArn))).toEqual(new Set([ARN, 'arn:aws:sns:us-east-1:123456789012:alerts']));
    expect(items.every((i) => i.trigger.kind === 'sweep' && i.trigger.eventId === 'sched-1')).toBe(true);
  });
});

offline('planRollback', () => {
  const sqs = sqsQueue.restorer;
  const change = (field: string, before: unknown, after: unknown): Change => ({ field, description: field, before, after });

  it('restores attributes that still hold what fixbridge wrote, and refuses the rest with reasons', () => {
    const plan = planRollback(
      [change('SqsManagedSseEnabled', 'false', 'true'), change('KmsMasterKeyId', null, 'k2'), change('DeadLetterQueue', null, { name: 'q-dlq' }), change('FifoQueue', 'false', 'true')],
      sqs,
      { SqsManagedSseEnabled: 'true', KmsMasterKeyId: 'someone-elses' },
      {},
      'SQS queue',
    );
    expect(plan.values).toEqual({ SqsManagedSseEnabled: 'false' });
    expect(plan.restored).toEqual([{ field: 'SqsManagedSseEnabled', description: 'undo: SqsManagedSseEnabled', before: 'true', after: 'false' }]);
    expect(plan.refused.map((r) => r.reason)).toEqual([
      'KmsMasterKeyId: changed since fixbridge wrote it (now someone-elses); not restored',
      'DeadLetterQueue: fixbridge created this queue and does not delete queues; delete it by hand once nothing sends to it',
      'FifoQueue: fixbridge cannot write FifoQueue of an SQS queue',
    ]);
  });

  it('puts back a replaced policy statement, compared by meaning', () => {
    const open = { Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: ARN };
    const scoped = { ...open, Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } };
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Other', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: ARN }, { Resource: ARN, Action: 'sqs:SendMessage', Principal: '*', Effect: 'Allow', Condition: scoped.Condition }] });
    const plan = planRollback([change('Policy.Statement[1]', open, scoped)], sqs, { Policy: policy }, {}, 'SQS queue');
    expect(plan.refused).toEqual([]);
    expect((plan.values.Policy as { Statement: unknown[] }).Statement[1]).toEqual(open);
  });

  it('removes tags it added, and restores broker logs compared key by key', () => {
    const tags = planRollback([change('Tags.team', null, 'platform')], sqs, {}, { team: 'platform' }, 'SQS queue');
    expect(tags.tags).toEqual({ set: {}, remove: ['team'] });
    const mq = mqBroker.restorer;
    const logs = planRollback([change('Logs', { General: false }, { General: true }), change('BrokerState', 'RUNNING', 'REBOOT_IN_PROGRESS')], mq, { Logs: { General: true, Audit: false } }, {}, 'Amazon MQ broker');
    expect(logs.values).toEqual({ Logs: { General: false } });
    expect(logs.refused.map((r) => r.reason)).toEqual(['BrokerState: a reboot cannot be undone']);
  });
});

offline('member accounts', () => {
  const sts = mockClient(STSClient);
  afterAll(() => sts.restore());

  it('fails a work item of an account without the role, naming the account and the role', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));
    const pool = new ClientPool((region) => createClients({ region }));
    const clientsFor = memberClientsFor({ hubAccountId: '123456789012', externalId: 'x-id', pool, sts: new STSClient({ region: 'us-east-1' }) });
    const [r] = await run(routeRunbook('sqs-require-tls', 'arn:aws:sqs:us-east-1:222222222222:theirs'), { config: defaultConfig(), clientsFor });
    expect(r).toMatchObject({ status: 'failed' });
    expect(r!.reason).toContain('account 222222222222');
    expect(r!.reason).toContain('cannot assume role arn:aws:iam::222222222222:role/fixbridge-remediation');
    expect(r!.reason).toContain('AccessDenied');
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({ ExternalId: 'x-id' });
  });

  it('uses its own credentials for the hub account', async () => {
    sts.resetHistory();
    const clientsFor = memberClientsFor({ hubAccountId: '123456789012', externalId: 'x-id', sts: new STSClient({ region: 'us-east-1' }) });
    await clientsFor(routeRunbook('sqs-require-tls', ARN)[0]!.ref!);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });
});

offline('stage settings', () => {
  it('validate a stage, its engine configuration included, in one line', () => {
    expect(() => parseStageSettings('prod', { kind: 'hub', externalId: undefined as never })).toThrow(/stage "prod" settings: externalId: .*/);
    expect(() => parseStageSettings('prod', { kind: 'hub', externalId: 'abc', engine: { remediations: { nope: {} } } })).toThrow(/stage "prod" settings: engine: remediations.nope: unknown remediation/);
    expect(() => parseStageSettings('m', { kind: 'member', hubAccountId: '12', hubRegion: 'us-east-1', hubStage: 'prod', externalId: 'abc' })).toThrow(/hubAccountId: expected a 12-digit/);
    expect(parseStageSettings('dev', { kind: 'hub', externalId: 'abc' })).toMatchObject({ memberRoleName: 'fixbridge-remediation', maxReceiveCount: 5 });
    expect(() => workerRoleName('a'.repeat(50), 'us-east-1')).toThrow(/exceeds IAM's 64 characters/);
  });
});
