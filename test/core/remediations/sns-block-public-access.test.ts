/** sns-block-public-access (SNS.4): what is public, how it is scoped, and end to end against the emulator from a finding. */
import { expect, it } from 'vitest';
import { statementsOf, type PolicyDocument, type Statement } from '@fixbridge/core';
import { snsBlockPublicAccess } from '../../../packages/core/src/remediations/sns-block-public-access';
import { ACCOUNT, cliRecorded, tempFile } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { createTopic, defaultTopicStatement, findingEvent, servicePublisher, topicAttributes, writesIn } from '../../support/sns-mq';
import { DEFAULT_TOPIC_STATEMENT as DEFAULT, planOf, SETTINGS as settings, TOPIC_ARN as ARN, topicState as topic, writtenTopicPolicy as written } from '../../support/states';

const policyOf = async (arn: string): Promise<PolicyDocument> => JSON.parse((await topicAttributes(arn)).Policy!);
const eventFile = (event: object) => tempFile('event.json', event);

offline('sns-block-public-access', () => {
  const open: Statement = { Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: ['SNS:Publish', 'SNS:Subscribe'], Resource: ARN };

  it('does not call the default topic policy (AWS: * scoped by AWS:SourceOwner) public', () => {
    expect(snsBlockPublicAccess.evaluate({ topic: topic() }, {}, settings)).toMatchObject({ kind: 'compliant', reason: expect.stringMatching(/no statement lets everyone/) });
  });

  it.each<[string, Statement]>([
    ['a service principal', servicePublisher(ARN)],
    ['everyone, scoped by aws:SourceArn', { ...open, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::bucket' } } }],
    ['an S3 bucket’s notifications (everyone, ArnLike aws:SourceArn of one bucket)', { ...open, Principal: { AWS: '*' }, Action: 'SNS:Publish', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:photo-uploads' } } }],
  ])('is compliant with %s', (_n, stmt) => {
    expect(snsBlockPublicAccess.evaluate({ topic: topic([DEFAULT, stmt]) }, {}, settings).kind).toBe('compliant');
  });

  it.each<[string, Statement]>([
    ['publish', { ...open, Action: 'SNS:Publish' }],
    ['subscribe', { ...open, Action: 'sns:Subscribe' }],
    ['receive', { ...open, Action: 'SNS:Receive' }],
    ['sns:*', { ...open, Action: 'sns:*', Principal: { AWS: '*' } }],
    ['the default statement with its condition removed', { ...DEFAULT, Condition: undefined }],
    // Issue 8, item 1: every action counts, not only publish / subscribe / receive.
    ['change the topic’s attributes (take it over)', { ...open, Action: 'SNS:SetTopicAttributes' }],
    ['add permissions', { ...open, Action: 'SNS:AddPermission' }],
    ['remove permissions', { ...open, Action: 'SNS:RemovePermission' }],
    ['delete the topic', { ...open, Action: 'SNS:DeleteTopic' }],
    ['read the topic’s attributes', { ...open, Action: 'SNS:GetTopicAttributes' }],
    ['list the subscriptions', { ...open, Action: 'SNS:ListSubscriptionsByTopic' }],
    ['do anything but publish (NotAction)', { ...open, Action: undefined, NotAction: ['SNS:Publish', 'SNS:Subscribe', 'SNS:Receive'] }],
    ['the default statement’s actions, scoped only by aws:ResourceAccount', { ...DEFAULT, Condition: { StringEquals: { 'aws:ResourceAccount': '123456789012' } } }],
  ])('scopes a statement letting everyone %s to the account, leaving the others as they are', (_n, stmt) => {
    const a = planOf(snsBlockPublicAccess.evaluate({ topic: topic([DEFAULT, servicePublisher(ARN), stmt]) }, {}, settings));
    const fixed = { ...stmt, Principal: { AWS: 'arn:aws:iam::123456789012:root' } };
    expect(a.changes).toEqual([expect.objectContaining({ field: 'Policy.Statement[2]', before: stmt, after: fixed })]);
    expect(statementsOf(written(a))).toEqual([DEFAULT, servicePublisher(ARN), JSON.parse(JSON.stringify(fixed))]);
  });

  it('is compliant when a Deny in the policy confines everyone to the organization (item 5)', () => {
    const orgOnly: Statement = { Sid: 'OrgOnly', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'SNS:*', Resource: ARN, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } };
    expect(snsBlockPublicAccess.evaluate({ topic: topic([DEFAULT, open, orgOnly]) }, {}, settings).kind).toBe('compliant');
    expect(snsBlockPublicAccess.evaluate({ topic: topic([DEFAULT, open, { ...orgOnly, Action: 'SNS:Publish' }]) }, {}, settings).kind).toBe('plan');
  });

  it('scopes a public EventBridge delivery statement with aws:SourceAccount, keeping the principal (item 6)', () => {
    const events: Statement = { Sid: 'Events', Effect: 'Allow', Principal: '*', Action: 'SNS:Publish', Resource: ARN, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:*:rule/*' } } };
    const a = planOf(snsBlockPublicAccess.evaluate({ topic: topic([DEFAULT, events]) }, {}, settings));
    expect(a.changes[0]?.after).toEqual({ ...events, Condition: { ...events.Condition, StringEquals: { 'aws:SourceAccount': '123456789012' } } });
  });

  it('scopes to the organization when one is configured', () => {
    const a = planOf(snsBlockPublicAccess.evaluate({ topic: topic([open]) }, {}, { ...settings, organizationId: 'o-abcdefghij' }));
    expect(a.changes[0]?.after).toEqual({ ...open, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } });
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
