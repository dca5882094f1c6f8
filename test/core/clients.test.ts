/** Every SDK client the engine creates marks its calls, so CloudTrail events of its own writes are skipped. */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import { createClients, USER_AGENT_MARKER, VERSION } from '@fixbridge/core';
import { offline } from '../support/projects';

/** The user agent a client would send: captured at the last request step, before any network. */
async function userAgentOf(client: { middlewareStack: { add: (...a: any[]) => void }; send: (c: any) => Promise<unknown> }, command: unknown): Promise<string> {
  let ua = '';
  client.middlewareStack.add(
    () => async (args: { request: { headers: Record<string, string> } }) => {
      ua = `${args.request.headers['user-agent'] ?? ''} ${args.request.headers['x-amz-user-agent'] ?? ''}`;
      throw new Error('captured');
    },
    { step: 'finalizeRequest', priority: 'low', name: 'captureUserAgent' },
  );
  await expect(client.send(command)).rejects.toThrow('captured');
  return ua;
}

offline('engine SDK clients', () => {
  const clients = createClients({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  it.each([
    ['sqs', () => userAgentOf(clients.sqs as never, new GetQueueAttributesCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' }))],
    ['kms', () => userAgentOf(clients.kms as never, new DescribeKeyCommand({ KeyId: 'alias/x' }))],
  ])('%s sends the fixbridge marker in its user agent', async (_n, capture) => {
    expect(await capture()).toContain(`${USER_AGENT_MARKER}/${VERSION}`);
  });
});
