/**
 * The `fixbridge` command as a user runs it: events from files and stdin, the JSON contract,
 * human output, exit codes, and bad input that changes nothing.
 */
import { expect, it } from 'vitest';
import { cli, createQueue, queueAttributes, spawnCli, tempFile, uniqueName } from '../support/aws';
import { sqsCloudTrailEvent, sqsFindingEvent } from '../support/fixtures';
import { remediationsForType, STATUSES, type Result } from '@fixbridge/core';
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

onEmulator('bad input: exit 2, one line, no stack trace, nothing changed', () => {
  it.each<[string, () => Promise<string[]>, RegExp]>([
    ['malformed JSON', async () => ['handle', '--event', tempFile('e.json', '{"version": "0",')], /is not valid JSON/],
    ['an event of no known shape', async () => ['handle', '--event', tempFile('e.json', { version: '0', id: '1', 'detail-type': 'Object Created', source: 'aws.s3', account: '123456789012', time: 't', region: 'us-east-1', resources: [], detail: {} })], /unknown shape/],
    ['a missing event file', async () => ['handle', '--event', '/nonexistent/event.json'], /cannot be read \(ENOENT\)/],
    ['an unknown remediation', async () => ['run', 'sqs-encrypt', '--resource', 'arn:aws:sqs:us-east-1:123456789012:q'], /unknown remediation or control "sqs-encrypt"/],
    ['a malformed ARN', async () => ['run', 'sqs-require-tls', '--resource', 'arn:aws:sqs:us-east-1:12345:q'], /malformed ARN/],
    ['a bad --mode', async () => ['run', 'sqs-require-tls', '--resource', 'arn:aws:sqs:us-east-1:123456789012:q', '--mode', 'fix'], /--mode must be one of dry-run, approval, auto/],
    ['an unknown flag', async () => ['run', 'sqs-require-tls', '--resource', 'arn:aws:sqs:us-east-1:123456789012:q', '--force'], /Unknown option '--force'/],
    ['a config that fails validation', async () => ['run', 'sqs-require-tls', '--resource', 'arn:aws:sqs:us-east-1:123456789012:q', '--config', tempFile('c.json', { remediations: { 'sqs-require-tls': { strict: true } } })], /remediations.sqs-require-tls/],
    ['an unknown command', async () => ['fix'], /unknown command "fix"/],
    ['run without --resource', async () => ['run', 'sqs-require-tls'], /run needs --resource/],
  ])('%s', async (_n, args, message) => {
    const run = await cli(await args());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^fixbridge: error: /);
  });

  it('changes nothing when the config is invalid, even with --mode auto', async () => {
    const q = await createQueue(uniqueName('bad-config'));
    const config = tempFile('c.json', '{"mode": "auto", "remediations": {"sqs-require-tls": {"kmsKeyId": 1}}}');
    const run = await spawnCli(['handle', '--event', tempFile('e.json', sqsCloudTrailEvent(q.name)), '--config', config, '--mode', 'auto']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect((await queueAttributes(q.url)).Policy).toBeUndefined();
  });
});

onEmulator('fixbridge list', () => {
  it('prints the catalog as JSON with controls, risk and permissions', async () => {
    const run = await cli(['list', '--json']);
    const { remediations } = JSON.parse(run.stdout) as { remediations: { id: string; controls: string[]; risk: string; permissions: string[] }[] };
    expect(remediations.find((r) => r.id === 'sqs-encrypt-at-rest')).toMatchObject({ controls: ['SecurityHub:SQS.1', 'Qualys:291', 'Qualys:451'], risk: 'medium', permissions: expect.arrayContaining(['sqs:SetQueueAttributes', 'kms:GetKeyPolicy']) });
  });

  it('prints a table for a person', async () => {
    const run = await cli(['list']);
    expect(run.stdout).toMatch(/^REMEDIATION\s+RESOURCE\s+SECURITY HUB\s+QUALYS\s+RISK/);
    expect(run.stdout).toMatch(/sqs-block-public-access\s+SQS queue\s+SQS\.3\s+382\s+high/);
  });

  it('answers --help and --version with exit 0', async () => {
    expect((await cli(['--help'])).stdout).toContain('fixbridge run <remediation-id|control-id> --resource <arn>');
    expect((await cli(['--version'])).code).toBe(0);
  });
});
