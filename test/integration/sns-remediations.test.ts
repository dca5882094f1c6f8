/**
 * Every SNS remediation end to end against the moto emulator, through `fixbridge run` and
 * `fixbridge handle` (CloudTrail events and Security Hub findings), in all three modes, with the
 * topic read back through plain SDK clients.
 */
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DisableKeyCommand } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import { createClients, snsTopic, type PolicyDocument } from '@fixbridge/core';
import { ACCOUNT, cliRecorded, createKey, keyPolicy, REGION, seedClients, tempFile } from '../support/aws';
import { createTopic, defaultTopicStatement, findingEvent, servicePublisher, setTopicPolicy, snsCloudTrailEvent, topicAttributes, writesIn } from '../support/sns-mq';
import { onEmulator } from '../support/projects';

const policyOf = async (arn: string): Promise<PolicyDocument> => JSON.parse((await topicAttributes(arn)).Policy!);
const eventFile = (event: object) => tempFile('event.json', event);

onEmulator('sns-require-tls', () => {
  it('dry-run plans, approval files, auto applies and verifies; nothing is written in the first two', async () => {
    const t = await createTopic('tls');
    const before = (await topicAttributes(t.arn)).Policy;

    const dry = await cliRecorded(['run', 'sns-require-tls', '--resource', t.arn]);
    expect(dry.results).toEqual([expect.objectContaining({ remediation: 'sns-require-tls', mode: 'dry-run', status: 'planned', controls: ['Qualys:436'] })]);
    const approval = await cliRecorded(['run', 'Qualys:436', '--resource', t.arn, '--mode', 'approval']);
    expect(approval.results[0]).toMatchObject({ remediation: 'sns-require-tls', status: 'awaiting-approval', changes: [{ field: 'Policy' }] });
    expect(writesIn([...dry.calls, ...approval.calls])).toEqual([]);
    expect((await topicAttributes(t.arn)).Policy).toBe(before);

    const auto = await cliRecorded(['run', 'sns-require-tls', '--resource', t.arn, '--mode', 'auto']);
    expect(auto.results[0]).toMatchObject({ status: 'applied', reason: expect.stringContaining('applied and verified') });
    expect(writesIn(auto.calls)).toEqual(['SetTopicAttributesCommand']);
    const policy = await policyOf(t.arn);
    expect(policy.Id).toBe('__default_policy_ID');
    expect(policy.Statement).toEqual([
      JSON.parse(before!).Statement[0],
      { Sid: 'FixbridgeDenyInsecurePublish', Effect: 'Deny', Principal: '*', Action: 'SNS:Publish', Resource: t.arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);

    const again = await cliRecorded(['run', 'sns-require-tls', '--resource', t.arn, '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });

  it('refuses to overwrite a policy someone changed after it was read', async () => {
    const t = await createTopic('tls-race');
    const read = (await topicAttributes(t.arn)).Policy!;
    const theirs = await setTopicPolicy(t.arn, [defaultTopicStatement(t.arn), servicePublisher(t.arn)]);
    const write = snsTopic.applyOps(createClients({ region: REGION }), [{ kind: 'set-attribute', topicArn: t.arn, name: 'Policy', value: '{"Statement":[]}', expectPolicy: read }]);
    await expect(write).rejects.toThrow(/the topic policy changed after it was read; nothing was written/);
    expect((await topicAttributes(t.arn)).Policy).toBe(theirs);
  });
});

onEmulator('sns-deny-http-subscriptions', () => {
  it('appends the deny in auto mode and keeps every other statement', async () => {
    const t = await createTopic('http', { statements: (arn) => [servicePublisher(arn)] });
    const run = await cliRecorded(['run', 'sns-deny-http-subscriptions', '--resource', t.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'applied', controls: ['Qualys:438'] });
    const policy = await policyOf(t.arn);
    expect(policy.Statement).toEqual([
      servicePublisher(t.arn),
      expect.objectContaining({ Effect: 'Deny', Action: 'SNS:Subscribe', Resource: t.arn, Condition: { StringEquals: { 'SNS:Protocol': 'http' } } }),
    ]);
  });

  it('treats an equivalent deny with someone else’s Sid as compliant and writes nothing', async () => {
    const theirs = { Sid: 'SecOpsHttpsOnly', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sns:subscribe', Resource: '*', Condition: { StringNotEquals: { 'sns:protocol': 'https' } } };
    const t = await createTopic('http-theirs', { statements: (arn) => [defaultTopicStatement(arn), theirs] });
    const stored = (await topicAttributes(t.arn)).Policy;
    const run = await cliRecorded(['run', 'sns-deny-http-subscriptions', '--resource', t.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'compliant', reason: expect.stringContaining('SecOpsHttpsOnly') });
    expect(writesIn(run.calls)).toEqual([]);
    expect((await topicAttributes(t.arn)).Policy).toBe(stored);
  });
});

onEmulator('sns-block-public-access', () => {
  it('leaves the default topic policy alone (it is scoped by AWS:SourceOwner): compliant, byte-identical', async () => {
    const t = await createTopic('default-policy');
    const stored = (await topicAttributes(t.arn)).Policy;
    const run = await cliRecorded(['run', 'SNS.4', '--resource', t.arn, '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ remediation: 'sns-block-public-access', status: 'compliant' })]);
    expect(writesIn(run.calls)).toEqual([]);
    expect((await topicAttributes(t.arn)).Policy).toBe(stored);
  });

  it('from a Security Hub SNS.4 finding: scopes the public statement to the account, keeping the others', async () => {
    const open = (arn: string) => ({ Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: ['SNS:Publish', 'SNS:Subscribe'], Resource: arn });
    const t = await createTopic('public', { statements: (arn) => [defaultTopicStatement(arn), servicePublisher(arn), open(arn)] });
    const statements = [defaultTopicStatement(t.arn), servicePublisher(t.arn), open(t.arn)];
    const event = eventFile(findingEvent(t.arn, 'SNS.4'));

    const dry = await cliRecorded(['handle', '--event', event]);
    expect(dry.results).toEqual([expect.objectContaining({ remediation: 'sns-block-public-access', status: 'planned', changes: [expect.objectContaining({ field: 'Policy.Statement[2]' })] })]);
    expect(writesIn(dry.calls)).toEqual([]);

    const auto = await cliRecorded(['handle', '--event', event, '--mode', 'auto']);
    expect(auto.results[0]).toMatchObject({ status: 'applied', controls: ['SecurityHub:SNS.4', 'Qualys:182', 'Qualys:183', 'Qualys:383'] });
    expect((await policyOf(t.arn)).Statement).toEqual([statements[0], statements[1], { ...statements[2], Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }]);
  });
});

onEmulator('sns-encrypt-at-rest', () => {
  const config = (kmsKeyId: string) => tempFile('config.json', { remediations: { 'sns-encrypt-at-rest': { kmsKeyId } } });

  it('is blocked without a configured key, naming the kmsKeyId setting (from a Security Hub SNS.1 finding)', async () => {
    const t = await createTopic('sse-nokey');
    const run = await cliRecorded(['handle', '--event', eventFile(findingEvent(t.arn, 'SNS.1')), '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ remediation: 'sns-encrypt-at-rest', status: 'blocked', reason: expect.stringContaining('remediations.sns-encrypt-at-rest.kmsKeyId') })]);
    expect(writesIn(run.calls)).toEqual([]);
    expect((await topicAttributes(t.arn)).KmsMasterKeyId).toBeUndefined();
  });

  it('is blocked when the key policy does not let a service publisher (EventBridge) in', async () => {
    const key = await createKey(keyPolicy(['cloudwatch.amazonaws.com']));
    const t = await createTopic('sse-producer', { statements: (arn) => [defaultTopicStatement(arn), servicePublisher(arn)] });
    const run = await cliRecorded(['run', 'sns-encrypt-at-rest', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringMatching(/does not allow events\.amazonaws\.com to call kms:GenerateDataKey and kms:Decrypt/) });
    expect(writesIn(run.calls)).toEqual([]);
    expect((await topicAttributes(t.arn)).KmsMasterKeyId).toBeUndefined();
  });

  it('is blocked when a CloudWatch alarm publishes through the default policy and the key does not let CloudWatch in', async () => {
    const key = await createKey(keyPolicy(['events.amazonaws.com']));
    const t = await createTopic('sse-alarm');
    const alarm = `fixbridge-test-${t.name}`;
    await new CloudWatchClient({ region: REGION }).send(
      new PutMetricAlarmCommand({ AlarmName: alarm, MetricName: 'ApproximateAgeOfOldestMessage', Namespace: 'AWS/SQS', Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1, Threshold: 300, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [t.arn] }),
    );
    const run = await cliRecorded(['run', 'sns-encrypt-at-rest', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringMatching(new RegExp(`cloudwatch\\.amazonaws\\.com to call kms:GenerateDataKey.*CloudWatch alarms publish to this topic: ${alarm}`)) });
    expect(writesIn(run.calls)).toEqual([]);

    const allowing = await createKey(keyPolicy(['cloudwatch.amazonaws.com']));
    const fixed = await cliRecorded(['run', 'sns-encrypt-at-rest', '--resource', t.arn, '--config', config(allowing.arn), '--mode', 'auto']);
    expect(fixed.results[0]?.status).toBe('applied');
  });

  it('is blocked on a disabled key', async () => {
    const key = await createKey(keyPolicy());
    await seedClients().kms.send(new DisableKeyCommand({ KeyId: key.keyId }));
    const t = await createTopic('sse-disabled');
    const run = await cliRecorded(['run', 'sns-encrypt-at-rest', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'blocked', reason: expect.stringContaining('is Disabled') });
  });

  it('encrypts with the configured key when the key policy lets the publisher in; dry-run and approval write nothing', async () => {
    const key = await createKey(keyPolicy(['events.amazonaws.com']));
    const t = await createTopic('sse-ok', { statements: (arn) => [defaultTopicStatement(arn), servicePublisher(arn)] });
    const publishers = (await topicAttributes(t.arn)).Policy;

    for (const mode of ['dry-run', 'approval'] as const) {
      const run = await cliRecorded(['run', 'SNS.1', '--resource', t.arn, '--config', config(key.arn), '--mode', mode]);
      expect(run.results[0]).toMatchObject({ status: mode === 'dry-run' ? 'planned' : 'awaiting-approval', changes: [{ field: 'KmsMasterKeyId', before: null, after: key.arn }] });
      expect(writesIn(run.calls)).toEqual([]);
    }
    expect((await topicAttributes(t.arn)).KmsMasterKeyId).toBeUndefined();

    const auto = await cliRecorded(['run', 'SNS.1', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(auto.results[0]).toMatchObject({ status: 'applied' });
    expect(await topicAttributes(t.arn)).toMatchObject({ KmsMasterKeyId: key.arn, Policy: publishers });
    const again = await cliRecorded(['run', 'SNS.1', '--resource', t.arn, '--config', config(key.arn), '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });
});

onEmulator('SNS CloudTrail events', () => {
  it('one SetTopicAttributes event runs every SNS remediation, each to its own status', async () => {
    const t = await createTopic('ct');
    const run = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(t.arn)), '--mode', 'auto']);
    const status = Object.fromEntries(run.results.map((r) => [r.remediation, r.status]));
    expect(status).toEqual({
      'sns-encrypt-at-rest': 'blocked',
      'sns-require-tls': 'applied',
      'sns-deny-http-subscriptions': 'applied',
      'sns-block-public-access': 'compliant',
      'sns-required-tags': 'skipped',
    });
    expect(run.results.every((r) => r.resourceArn === t.arn)).toBe(true);
    expect(writesIn(run.calls)).toEqual(['SetTopicAttributesCommand', 'SetTopicAttributesCommand']);
    expect((await policyOf(t.arn)).Statement).toHaveLength(3);
  });

  it('a CreateTopic event in dry-run changes nothing', async () => {
    const t = await createTopic('ct-dry');
    const stored = await topicAttributes(t.arn);
    const run = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(t.arn, 'CreateTopic'))]);
    expect(run.results.filter((r) => r.status === 'planned').map((r) => r.remediation)).toEqual(['sns-require-tls', 'sns-deny-http-subscriptions']);
    expect(writesIn(run.calls)).toEqual([]);
    expect(await topicAttributes(t.arn)).toEqual(stored);
  });

  it('skips an exempt topic (fixbridge:exempt=true) for every remediation', async () => {
    const t = await createTopic('ct-exempt', { tags: { 'fixbridge:exempt': 'true' } });
    const run = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(t.arn, 'TagResource')), '--mode', 'auto']);
    expect(run.results).toHaveLength(5);
    expect(run.results.every((r) => r.status === 'skipped' && r.reason.includes('exempt'))).toBe(true);
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('a topic deleted since the event is skipped; a runbook on a missing topic fails with the ARN', async () => {
    const gone = `arn:aws:sns:${REGION}:${ACCOUNT}:never-created-topic`;
    const event = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(gone)), '--mode', 'auto']);
    expect(event.results.every((r) => r.status === 'skipped' && r.reason.includes('does not exist'))).toBe(true);
    const runbook = await cliRecorded(['run', 'sns-require-tls', '--resource', gone]);
    expect(runbook.code).toBe(1);
    expect(runbook.results[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining(gone) });
  });
});
