/** The runbook function in-process against the emulator: the contract of `fixbridge run`, in the hub or a member account. */
import '../support/quiet-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, expect, it } from 'vitest';
import { engineRuntime } from '../../packages/functions/src/engine-runtime';
import { createRunbook } from '../../packages/functions/src/runbook';
import { createQueue, REGION, uniqueName } from '../support/aws';
import { createHub, lambdaContext, UNENCRYPTED } from '../support/deploy';
import { onEmulator } from '../support/projects';

onEmulator('deployed engine', () => {
  let hub: Awaited<ReturnType<typeof createHub>>;
  let runbook: ReturnType<typeof createRunbook>;

  beforeAll(async () => {
    hub = await createHub({ mode: 'auto' });
    const engine = engineRuntime(hub.env);
    runbook = createRunbook(() => engine);
  });

  it('runs a runbook request with the contract of `fixbridge run`', async () => {
    const q = await createQueue(uniqueName('rb'));
    const out = await runbook({ remediation: 'sqs-require-tls', resourceArn: q.arn, mode: 'dry-run' }, lambdaContext());
    expect(out.results).toMatchObject([{ remediation: 'sqs-require-tls', status: 'planned', mode: 'dry-run', resourceArn: q.arn }]);
    await expect(runbook({ remediation: 'no-such-thing', resourceArn: q.arn }, lambdaContext())).rejects.toThrow(/unknown remediation or control "no-such-thing"/);
  });

  it('assumes the member role for a resource of another account', async () => {
    const member = '111111111111';
    const creds = (await new STSClient({ region: REGION }).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${member}:role/fixbridge-remediation`, RoleSessionName: 'seed' }))).Credentials!;
    const sqs = new SQSClient({ region: REGION, credentials: { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! } });
    const name = uniqueName('member');
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: UNENCRYPTED }))).QueueUrl!;
    const arn = `arn:aws:sqs:${REGION}:${member}:${name}`;
    const out = await runbook({ remediation: 'sqs-encrypt-at-rest', resourceArn: arn, mode: 'auto' }, lambdaContext());
    expect(out.results).toMatchObject([{ status: 'applied', resourceArn: arn }]);
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes!;
    expect(attrs.SqsManagedSseEnabled).toBe('true');
  });
});
