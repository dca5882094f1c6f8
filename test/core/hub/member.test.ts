/** Member accounts: the hub worker assumes the member role, with the external id, for another account's resource. */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, expect, it } from 'vitest';
import { ClientPool, createClients, defaultConfig, routeRunbook, run } from '@fixbridge/core';
import { memberClientsFor } from '@fixbridge/core/hub';
import { offline } from '../../support/projects';
import { QUEUE_ARN as ARN } from '../../support/states';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
