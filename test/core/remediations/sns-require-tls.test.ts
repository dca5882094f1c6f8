/** sns-require-tls (Qualys 436): its evaluate table, and end to end against the emulator in all three modes. */
import { expect, it } from 'vitest';
import { createClients, snsTopic, statementsOf, type PolicyDocument, type Statement } from '@fixbridge/core';
import { snsRequireTls } from '../../../packages/core/src/remediations/sns-require-tls';
import { cliRecorded, REGION } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { createTopic, defaultTopicStatement, servicePublisher, setTopicPolicy, topicAttributes, writesIn } from '../../support/sns-mq';
import { DEFAULT_TOPIC_STATEMENT as DEFAULT, planOf, SETTINGS as settings, TOPIC_ARN as ARN, topicState as topic, writtenTopicPolicy as written } from '../../support/states';

const policyOf = async (arn: string): Promise<PolicyDocument> => JSON.parse((await topicAttributes(arn)).Policy!);

offline('sns-require-tls', () => {
  const deny: Statement = { Sid: 'Theirs', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sns:publish', Resource: ARN, Condition: { Bool: { 'aws:SecureTransport': false } } };

  it('appends a Deny SNS:Publish to the topic, keeping the default statement and the policy Id', () => {
    const a = snsRequireTls.evaluate({ topic: topic() }, {}, settings);
    const after = written(a);
    expect(after.Id).toBe('__default_policy_ID');
    expect(statementsOf(after)).toEqual([
      DEFAULT,
      { Sid: 'FixbridgeDenyInsecurePublish', Effect: 'Deny', Principal: '*', Action: 'SNS:Publish', Resource: ARN, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ]);
    expect(planOf(a).changes[0]).toMatchObject({ field: 'Policy', before: topic().policy, after });
    expect(planOf(a).ops[0]).toMatchObject({ expectPolicy: topic().attributes.Policy });
  });

  it('picks a free Sid when the canonical one is taken by another statement', () => {
    const taken = { ...DEFAULT, Sid: 'FixbridgeDenyInsecurePublish' };
    expect(statementsOf(written(snsRequireTls.evaluate({ topic: topic([taken]) }, {}, settings)))[1]?.Sid).toBe('FixbridgeDenyInsecurePublish2');
  });

  it.each<[string, Statement]>([
    ['lower-case sns:publish, any Sid', deny],
    ['SNS:*', { ...deny, Action: 'SNS:*' }],
    ['*', { ...deny, Action: '*' }],
    ['Resource *', { ...deny, Resource: '*' }],
  ])('accepts an equivalent deny: %s', (_n, stmt) => {
    expect(snsRequireTls.evaluate({ topic: topic([DEFAULT, stmt]) }, {}, settings)).toMatchObject({ kind: 'compliant', reason: expect.stringContaining('Theirs') });
  });

  it.each<[string, Statement]>([
    ['a deny of Subscribe only', { ...deny, Action: 'SNS:Subscribe' }],
    ['a deny on another topic', { ...deny, Resource: `${ARN}-other` }],
    ['SecureTransport true', { ...deny, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
  ])('does not accept %s', (_n, stmt) => {
    expect(snsRequireTls.evaluate({ topic: topic([DEFAULT, stmt]) }, {}, settings).kind).toBe('plan');
  });

  it('creates a policy when the topic has none', () => {
    expect(statementsOf(written(snsRequireTls.evaluate({ topic: topic(null) }, {}, settings)))).toHaveLength(1);
  });
});

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
