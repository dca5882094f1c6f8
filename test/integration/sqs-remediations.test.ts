/**
 * What every SQS remediation does with an exempt or a missing queue, against the moto emulator.
 * Each remediation's own cases are in test/core/remediations.
 */
import { expect, it } from 'vitest';
import { cliRecorded, createQueue, queueArn, tempFile, uniqueName } from '../support/aws';
import { onEmulator } from '../support/projects';
import { sqsWritesIn as writesIn } from '../support/sqs';

onEmulator('every SQS remediation', () => {
  it('skips an exempt queue without writing', async () => {
    const q = await createQueue(uniqueName('exempt'), { SqsManagedSseEnabled: 'false' }, { 'fixbridge:exempt': 'true' });
    const run = await cliRecorded(['run', 'sqs-encrypt-at-rest', '--resource', q.arn, '--mode', 'auto']);
    expect(run.results[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining('fixbridge:exempt') });
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('honours a custom exempt tag key', async () => {
    const q = await createQueue(uniqueName('exempt2'), {}, { 'sec:skip': 'TRUE' });
    const config = tempFile('config.json', { exemptTagKey: 'sec:skip' });
    const run = await cliRecorded(['run', 'sqs-require-tls', '--resource', q.arn, '--mode', 'auto', '--config', config]);
    expect(run.results[0]?.status).toBe('skipped');
  });

  it('reports a queue that does not exist as failed (exit 1) for a manual run', async () => {
    const run = await cliRecorded(['run', 'sqs-require-tls', '--resource', queueArn(uniqueName('missing'))]);
    expect(run.code).toBe(1);
    expect(run.results[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining('does not exist') });
  });
});
