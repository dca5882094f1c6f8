/**
 * SNS CloudTrail events against the moto emulator: one event runs every SNS remediation. Each
 * remediation's own cases are in test/core/remediations.
 */
import { expect, it } from 'vitest';
import type { PolicyDocument } from '@fixbridge/core';
import { ACCOUNT, cliRecorded, REGION, tempFile } from '../support/aws';
import { onEmulator } from '../support/projects';
import { createTopic, snsCloudTrailEvent, topicAttributes, writesIn } from '../support/sns-mq';

const policyOf = async (arn: string): Promise<PolicyDocument> => JSON.parse((await topicAttributes(arn)).Policy!);
const eventFile = (event: object) => tempFile('event.json', event);

onEmulator('SNS CloudTrail events', () => {
  it('one SetTopicAttributes event runs every SNS remediation, each to its own status', async () => {
    const t = await createTopic('ct');
    const run = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(t.arn)), '--mode', 'auto']);
    const status = Object.fromEntries(run.results.map((r) => [r.remediation, r.status]));
    expect(status).toEqual({
      'sns-encrypt-at-rest': 'blocked',
      'sns-require-tls': 'applied',
      'sns-deny-http-subscriptions': 'applied',
      'sns-block-public-access': 'compliant',
      'sns-required-tags': 'skipped',
    });
    expect(run.results.every((r) => r.resourceArn === t.arn)).toBe(true);
    expect(writesIn(run.calls)).toEqual(['SetTopicAttributesCommand', 'SetTopicAttributesCommand']);
    expect((await policyOf(t.arn)).Statement).toHaveLength(3);
  });

  it('a CreateTopic event in dry-run changes nothing', async () => {
    const t = await createTopic('ct-dry');
    const stored = await topicAttributes(t.arn);
    const run = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(t.arn, 'CreateTopic'))]);
    expect(run.results.filter((r) => r.status === 'planned').map((r) => r.remediation)).toEqual(['sns-require-tls', 'sns-deny-http-subscriptions']);
    expect(writesIn(run.calls)).toEqual([]);
    expect(await topicAttributes(t.arn)).toEqual(stored);
  });

  it('skips an exempt topic (fixbridge:exempt=true) for every remediation', async () => {
    const t = await createTopic('ct-exempt', { tags: { 'fixbridge:exempt': 'true' } });
    const run = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(t.arn, 'TagResource')), '--mode', 'auto']);
    expect(run.results).toHaveLength(5);
    expect(run.results.every((r) => r.status === 'skipped' && r.reason.includes('exempt'))).toBe(true);
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('a topic deleted since the event is skipped; a runbook on a missing topic fails with the ARN', async () => {
    const gone = `arn:aws:sns:${REGION}:${ACCOUNT}:never-created-topic`;
    const event = await cliRecorded(['handle', '--event', eventFile(snsCloudTrailEvent(gone)), '--mode', 'auto']);
    expect(event.results.every((r) => r.status === 'skipped' && r.reason.includes('does not exist'))).toBe(true);
    const runbook = await cliRecorded(['run', 'sns-require-tls', '--resource', gone]);
    expect(runbook.code).toBe(1);
    expect(runbook.results[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining(gone) });
  });
});
