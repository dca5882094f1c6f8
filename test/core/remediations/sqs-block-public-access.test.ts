/** sqs-block-public-access (SQS.3): its evaluate table, and end to end against the emulator. */
import { expect, it } from 'vitest';
import { sqsBlockPublicAccess } from '../../../packages/core/src/remediations/sqs-block-public-access';
import { ACCOUNT, cliRecorded, createQueue, queueArn, queueAttributes, tempFile, uniqueName } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { snsProducerPolicy } from '../../support/sqs';
import { planOf, QUEUE_ARN as ARN, queueState as queue, queueWithPolicy as withPolicy, SETTINGS as settings, snsProducer } from '../../support/states';

offline('sqs-block-public-access', () => {
  const pub = { Sid: 'Open', Effect: 'Allow' as const, Principal: '*' as const, Action: 'sqs:SendMessage', Resource: ARN };

  it('is compliant without a policy, or with only scoped statements', () => {
    expect(sqsBlockPublicAccess.evaluate({ queue: queue() }, {}, settings).kind).toBe('compliant');
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [snsProducer, { ...pub, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:t' } } }] }) }, {}, settings).kind).toBe('compliant');
  });

  it('scopes a public statement to the owning account, leaving the others exactly as they are', () => {
    const doc = { Version: '2012-10-17', Statement: [snsProducer, pub] };
    const a = sqsBlockPublicAccess.evaluate({ queue: withPolicy(doc) }, {}, settings);
    if (a.kind !== 'plan') throw new Error(a.kind);
    expect(a.changes).toEqual([expect.objectContaining({ field: 'Policy.Statement[1]', before: pub, after: { ...pub, Principal: { AWS: 'arn:aws:iam::123456789012:root' } } })]);
    const op = a.ops[0];
    const written = JSON.parse(op?.kind === 'set-attributes' ? op.attributes.Policy ?? '' : '');
    expect(written.Statement[0]).toEqual(snsProducer);
  });

  it('keeps the other principals of a statement that also lets everyone in', () => {
    const mixed = { ...pub, Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'], Service: 'sns.amazonaws.com' } };
    const a = sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [mixed] }) }, {}, settings);
    if (a.kind !== 'plan') throw new Error(a.kind);
    expect(a.changes[0]?.after).toEqual({ ...pub, Principal: { AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::123456789012:root'], Service: 'sns.amazonaws.com' } });
  });

  it('sees through negated conditions: StringNotEquals lets everyone else in', () => {
    const negated = { ...pub, Condition: { StringNotEquals: { 'aws:SourceAccount': '999999999999' } } };
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [negated] }) }, {}, settings).kind).toBe('plan');
  });

  // Issue 8, item 5: a Deny in the same policy is part of the verdict.
  it('is compliant when a Deny confines the Allow to the organization, and leaves the policy alone', () => {
    const orgOnly = { Sid: 'OrgOnly', Effect: 'Deny' as const, Principal: '*' as const, Action: 'sqs:*', Resource: ARN, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } };
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [pub, orgOnly] }) }, {}, settings).kind).toBe('compliant');
    // A Deny that spares HTTPS callers outside the organization does not confine it.
    const narrower = { ...orgOnly, Condition: { ...orgOnly.Condition, Bool: { 'aws:SecureTransport': 'false' } } };
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [pub, narrower] }) }, {}, settings).kind).toBe('plan');
  });

  // Item 6: the S3 event-notification statement, as the S3 guide documents it
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html).
  const s3Notify = { Sid: 'example-statement-ID', Effect: 'Allow' as const, Principal: { AWS: '*' }, Action: 'SQS:SendMessage', Resource: ARN, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:photo-uploads' } } };

  it('is compliant with the S3 event-notification statement naming one bucket', () => {
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [s3Notify] }) }, {}, settings).kind).toBe('compliant');
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [{ ...s3Notify, Principal: '*', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::photo-uploads' } } }] }) }, {}, settings).kind).toBe('compliant');
  });

  it('scopes a public service-delivery statement with aws:SourceAccount, keeping its principal so the service still delivers', () => {
    const anyBucket = { ...s3Notify, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:*' } } };
    const a = planOf(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [anyBucket] }) }, {}, settings));
    expect(a.changes).toEqual([
      expect.objectContaining({
        field: 'Policy.Statement[0]',
        description: expect.stringMatching(/s3\.amazonaws\.com deliveries from resources of account 123456789012 \(aws:SourceAccount/),
        before: anyBucket,
        after: { ...anyBucket, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:*' }, StringEquals: { 'aws:SourceAccount': '123456789012' } } },
      }),
    ]);
    // With an organization configured: aws:SourceOrgID (aws:PrincipalOrgID is absent for service principals).
    const org = planOf(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [anyBucket] }) }, {}, { ...settings, organizationId: 'o-abcdefghij' }));
    expect(org.changes[0]?.after).toEqual({ ...anyBucket, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:*' }, StringEquals: { 'aws:SourceOrgID': 'o-abcdefghij' } } });
    // The scoped statement is what the verification re-read sees: compliant.
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [a.changes[0]!.after as object] } as never) }, {}, settings).kind).toBe('compliant');
  });

  it('blocks, naming the statement, rather than overwrite a condition value someone wrote', () => {
    const odd = { ...s3Notify, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:*' }, StringEquals: { 'aws:SourceAccount': ['123456789012', '*'] } } };
    expect(sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [odd] }) }, {}, settings)).toEqual({
      kind: 'blocked',
      reason: expect.stringMatching(/statement example-statement-ID already has a StringEquals aws:SourceAccount condition/),
    });
  });

  it('scopes to the organization when one is configured, keeping other conditions', () => {
    const stmt = { ...pub, Condition: { Bool: { 'aws:SecureTransport': 'true' } } };
    const a = sqsBlockPublicAccess.evaluate({ queue: withPolicy({ Statement: [stmt] }) }, {}, { ...settings, organizationId: 'o-abcdefghij' });
    if (a.kind !== 'plan') throw new Error(a.kind);
    expect(a.changes[0]?.after).toEqual({ ...pub, Condition: { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } });
  });
});

onEmulator('sqs-block-public-access', () => {
  it('scopes the public statement to the account and leaves the scoped one exactly as it was', async () => {
    const name = uniqueName('public');
    const arn = queueArn(name);
    const open = { Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage'], Resource: arn };
    const q = await createQueue(name, { Policy: snsProducerPolicy(arn, [open]) });

    const dry = await cliRecorded(['run', 'SQS.3', '--resource', arn]);
    expect(dry.results[0]).toMatchObject({ remediation: 'sqs-block-public-access', status: 'planned', changes: [{ field: 'Policy.Statement[1]', before: open }] });

    const auto = await cliRecorded(['run', 'sqs-block-public-access', '--resource', arn, '--mode', 'auto']);
    expect(auto.results[0]?.status).toBe('applied');
    const policy = JSON.parse((await queueAttributes(q.url)).Policy!);
    expect(policy.Statement).toEqual([JSON.parse(snsProducerPolicy(arn)).Statement[0], { ...open, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }]);
  });

  it('keeps an S3 delivery statement delivering: scoped with aws:SourceAccount, the principal kept, verified', async () => {
    const name = uniqueName('public-s3');
    const arn = queueArn(name);
    const open = { Sid: 'S3Notify', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'SQS:SendMessage', Resource: arn, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:*:*:*' } } };
    const q = await createQueue(name, { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [open] }) });
    const auto = await cliRecorded(['run', 'sqs-block-public-access', '--resource', arn, '--mode', 'auto']);
    expect(auto.results[0]).toMatchObject({ status: 'applied', changes: [{ field: 'Policy.Statement[0]', before: open }] });
    const stmt = JSON.parse((await queueAttributes(q.url)).Policy!).Statement[0];
    expect(stmt).toEqual({ ...open, Condition: { ...open.Condition, StringEquals: { 'aws:SourceAccount': ACCOUNT } } });
  });

  it('scopes to the organization when organizationId is configured', async () => {
    const name = uniqueName('public-org');
    const arn = queueArn(name);
    const q = await createQueue(name, { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: arn }] }) });
    const config = tempFile('config.json', { organizationId: 'o-a1b2c3d4e5', remediations: { 'sqs-block-public-access': { mode: 'auto' } } });
    const run = await cliRecorded(['run', 'sqs-block-public-access', '--resource', arn, '--config', config]);
    expect(run.results[0]).toMatchObject({ status: 'applied', mode: 'auto' });
    const stmt = JSON.parse((await queueAttributes(q.url)).Policy!).Statement[0];
    expect(stmt).toMatchObject({ Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } });
  });
});
