import { describe, expect, it } from 'vitest';
import { cliResults, createQueue, queueAttributes, uniqueName } from '../support/aws';

describe('smoke', () => {
  it('adds a TLS deny in auto mode', async () => {
    const q = await createQueue(uniqueName('smoke'));
    const results = await cliResults(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'auto']);
    expect(results[0]?.status).toBe('applied');
    expect(JSON.parse((await queueAttributes(q.url)).Policy!).Statement).toHaveLength(1);
  });
});
