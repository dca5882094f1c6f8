/** sns-deny-http-subscriptions (Qualys 438): which denies are equivalent, and end to end against the emulator. */
import { expect, it } from 'vitest';
import { statementsOf, type PolicyDocument, type Statement } from '@fixbridge/core';
import { deniesHttpSubscriptions, snsDenyHttpSubscriptions } from '../../../packages/core/src/remediations/sns-deny-http-subscriptions';
import { cliRecorded } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { createTopic, defaultTopicStatement, servicePublisher, topicAttributes, writesIn } from '../../support/sns-mq';
import { DEFAULT_TOPIC_STATEMENT as DEFAULT, planOf, SETTINGS as settings, TOPIC_ARN as ARN, topicState as topic, writtenTopicPolicy as written } from '../../support/states';

const policyOf = async (arn: string): Promise<PolicyDocument> => JSON.parse((await topicAttributes(arn)).Policy!);

offline('sns-deny-http-subscriptions', () => {
  const deny: Statement = { Sid: 'Theirs', Effect: 'Deny', Principal: '*', Action: 'SNS:Subscribe', Resource: ARN, Condition: { StringEquals: { 'SNS:Protocol': 'http' } } };

  it('appends a Deny SNS:Subscribe for protocol http, keeping every other statement', () => {
    const a = snsDenyHttpSubscriptions.evaluate({ topic: topic([DEFAULT, servicePublisher(ARN)]) }, {}, settings);
    expect(statementsOf(written(a))).toEqual([
      DEFAULT,
      servicePublisher(ARN),
      { Sid: 'FixbridgeDenyHttpSubscriptions', Effect: 'Deny', Principal: '*', Action: 'SNS:Subscribe', Resource: ARN, Condition: { StringEquals: { 'SNS:Protocol': 'http' } } },
    ]);
    expect(planOf(a).reason).toMatch(/no statement to deny SNS:Subscribe when SNS:Protocol is http/);
  });

  it.each<[string, Statement, boolean]>([
    ['StringEquals http (any Sid)', deny, true],
    ['lower-case key and action', { ...deny, Action: 'sns:subscribe', Condition: { StringEquals: { 'sns:protocol': 'http' } } }, true],
    ['a list naming http', { ...deny, Condition: { StringEquals: { 'SNS:Protocol': ['http', 'email'] } } }, true],
    ['StringLike http*', { ...deny, Condition: { StringLike: { 'SNS:Protocol': 'http*' } } }, true],
    ['StringNotEquals https (denies everything else)', { ...deny, Condition: { StringNotEquals: { 'SNS:Protocol': 'https' } } }, true],
    ['sns:* for everyone', { ...deny, Action: 'sns:*', Principal: { AWS: '*' } }, true],
    ['StringEquals https', { ...deny, Condition: { StringEquals: { 'SNS:Protocol': 'https' } } }, false],
    ['StringNotEquals http', { ...deny, Condition: { StringNotEquals: { 'SNS:Protocol': 'http' } } }, false],
    ['an extra condition narrowing it', { ...deny, Condition: { StringEquals: { 'SNS:Protocol': 'http', 'aws:SourceAccount': '1' } } }, false],
    ['no condition', { ...deny, Condition: undefined }, false],
    ['an Allow', { ...deny, Effect: 'Allow' }, false],
    ['a deny of Publish', { ...deny, Action: 'SNS:Publish' }, false],
    ['one principal only', { ...deny, Principal: { AWS: 'arn:aws:iam::1:root' } }, false],
  ])('equivalent deny? %s → %s', (_n, stmt, expected) => {
    expect(deniesHttpSubscriptions(stmt, ARN)).toBe(expected);
    expect(snsDenyHttpSubscriptions.evaluate({ topic: topic([DEFAULT, stmt]) }, {}, settings).kind).toBe(expected ? 'compliant' : 'plan');
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
