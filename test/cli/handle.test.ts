/**
 * `fixbridge handle` as a user runs it, against the emulator: events from files and stdin, the
 * JSON contract, the mode from the config, human output.
 */
import { expect, it } from 'vitest';
import { remediationsForType, STATUSES, type Result } from '@fixbridge/core';
import { cli, createQueue, queueAttributes, spawnCli, tempFile, uniqueName } from '../support/aws';
import { sqsCloudTrailEvent, sqsFindingEvent } from '../support/fixtures';
import { onEmulator } from '../support/projects';

const parse = (stdout: string) => (JSON.parse(stdout) as { results: Result[] }).results;

onEmulator('fixbridge handle', () => {
  it('processes a CreateQueue event through every SQS remediation, dry-run then auto', async () => {
    const q = await createQueue(uniqueName('ct'), { SqsManagedSseEnabled: 'false' });
    const event = tempFile('event.json', sqsCloudTrailEvent(q.name, 'CreateQueue'));

    const dry = await cli(['handle', '--event', event, '--json']);
    expect(dry.code).toBe(0);
    const planned = parse(dry.stdout);
    expect(planned.map((r) => [r.remediation, r.status])).toEqual([
      ['sqs-encrypt-at-rest', 'planned'],
      ['sqs-require-tls', 'planned'],
      ['sqs-block-public-access', 'compliant'],
      ['sqs-dead-letter-queue', 'planned'],
      ['sqs-required-tags', 'skipped'],
    ]);
    for (const r of planned) {
      expect(Object.keys(r).sort()).toEqual(['changes', 'controls', 'mode', 'reason', 'remediation', 'resourceArn', 'status']);
      expect(r.resourceArn).toBe(q.arn);
      expect(STATUSES).toContain(r.status);
    }
    expect(await queueAttributes(q.url)).toMatchObject({ SqsManagedSseEnabled: 'false' });

    const auto = await cli(['handle', '--event', event, '--json', '--mode', 'auto']);
    expect(parse(auto.stdout).map((r) => r.status)).toEqual(['applied', 'applied', 'compliant', 'applied', 'skipped']);
    const attrs = await queueAttributes(q.url);
    expect(attrs.SqsManagedSseEnabled).toBe('true');
    expect(JSON.parse(attrs.Policy!).Statement).toHaveLength(1);
    expect(JSON.parse(attrs.RedrivePolicy!).maxReceiveCount).toBe(5);
  });

  it('processes a Security Hub finding with the mode from the config file', async () => {
    const q = await createQueue(uniqueName('sh'), { SqsManagedSseEnabled: 'false' });
    const event = tempFile('finding.json', sqsFindingEvent(q.name, 'SQS.1'));
    const config = tempFile('config.json', { remediations: { 'sqs-encrypt-at-rest': { mode: 'auto' } } });
    const run = await cli(['handle', '--event', event, '--config', config, '--json']);
    expect(parse(run.stdout)).toEqual([expect.objectContaining({ remediation: 'sqs-encrypt-at-rest', controls: ['SecurityHub:SQS.1', 'Qualys:291', 'Qualys:451'], mode: 'auto', status: 'applied' })]);
  });

  it('files a plan for approval when the config says approval', async () => {
    const q = await createQueue(uniqueName('appr'));
    const event = tempFile('event.json', sqsCloudTrailEvent(q.name));
    const config = tempFile('config.json', { mode: 'approval' });
    const results = parse((await cli(['handle', '--event', event, '--config', config, '--json'])).stdout);
    expect(results.find((r) => r.remediation === 'sqs-require-tls')).toMatchObject({ mode: 'approval', status: 'awaiting-approval', changes: [expect.objectContaining({ field: 'Policy' })] });
    expect((await queueAttributes(q.url)).Policy).toBeUndefined();
  });

  it('skips a failed API call and the engine’s own calls, and says why', async () => {
    const q = await createQueue(uniqueName('skip'));
    const failed = sqsCloudTrailEvent(q.name);
    failed.detail.errorCode = 'AccessDenied';
    const own = sqsCloudTrailEvent(q.name);
    own.detail.userAgent = 'aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js api/sqs#3.700.0 fixbridge/0.1.0';
    for (const [event, reason] of [[failed, /AccessDenied/], [own, /fixbridge itself/]] as const) {
      const run = await cli(['handle', '--event', tempFile('e.json', event), '--json', '--mode', 'auto']);
      expect(run.code).toBe(0);
      const results = parse(run.stdout);
      expect(results.map((r) => r.remediation)).toEqual(remediationsForType('sqs-queue').map((r) => r.id));
      expect(results.every((r) => r.status === 'skipped' && reason.test(r.reason))).toBe(true);
    }
    expect((await queueAttributes(q.url)).Policy).toBeUndefined();
  });

  it('reads the event from stdin in the real binary and prints a readable plan without colour', async () => {
    const q = await createQueue(uniqueName('stdin'));
    const run = await spawnCli(['handle', '--event', '-'], JSON.stringify(sqsCloudTrailEvent(q.name)));
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('PLANNED');
    expect(run.stdout).toContain('sqs-require-tls');
    expect(run.stdout).toMatch(/~ Policy: add statement FixbridgeDenyInsecureTransport/);
    expect(run.stdout).toMatch(/^ +\+ \{"Sid":"FixbridgeDenyInsecureTransport","Effect":"Deny"/m);
    expect(run.stdout).toMatch(/before: \(none\)\n +after: +\{"name":".*-dlq"/);
    expect(run.stdout).not.toContain('\u001b[');
    expect(run.stdout).toMatch(/^2 compliant, 2 planned, 1 skipped$/m);
  });
});
