/**
 * Required tags (SQS.2, SNS.3, MQ.4) end to end against the moto emulator: add the configured keys
 * a resource lacks, never change an existing value, skip when nothing is configured.
 */
import { ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { expect, it } from 'vitest';
import { cliRecorded, createQueue, seedClients, tempFile, uniqueName } from '../support/aws';
import { createBroker, createTopic, describeBroker, findingEvent, topicTags, writesIn } from '../support/sns-mq';
import { onEmulator } from '../support/projects';

const REQUIRED = { team: 'unassigned', 'cost-center': '0000' };
const config = (id: string) => tempFile('config.json', { remediations: { [id]: { tags: REQUIRED } } });

/** For each type: create it tagged `team=payments`, and read its tags back with a plain client. */
const resources = {
  'sqs-required-tags': async () => {
    const q = await createQueue(uniqueName('tags'), {}, { team: 'payments' });
    return { arn: q.arn, tags: async () => (await seedClients().sqs.send(new ListQueueTagsCommand({ QueueUrl: q.url }))).Tags ?? {} };
  },
  'sns-required-tags': async () => {
    const t = await createTopic('tags', { tags: { team: 'payments' } });
    return { arn: t.arn, tags: () => topicTags(t.arn) };
  },
  'mq-required-tags': async () => {
    const b = await createBroker('tags', { Tags: { team: 'payments' } });
    return { arn: b.arn, tags: async () => (await describeBroker(b.id)).Tags ?? {} };
  },
};

for (const [id, create] of Object.entries(resources)) onEmulator(id, () => {
  it('is skipped when no tags are configured, naming the setting', async () => {
    const r = await create();
    const run = await cliRecorded(['run', id, '--resource', r.arn, '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ status: 'skipped', reason: `no required tags configured (set remediations.${id}.tags)` })]);
    expect(writesIn(run.calls)).toEqual([]);
  });

  it('dry-run and approval change nothing; auto adds only the missing key and keeps the existing value', async () => {
    const r = await create();
    for (const mode of ['dry-run', 'approval']) {
      const run = await cliRecorded(['run', id, '--resource', r.arn, '--config', config(id), '--mode', mode]);
      expect(run.results[0]).toMatchObject({ status: mode === 'dry-run' ? 'planned' : 'awaiting-approval', changes: [{ field: 'Tags.cost-center', before: null, after: '0000' }] });
      expect(writesIn(run.calls)).toEqual([]);
    }
    expect(await r.tags()).toEqual({ team: 'payments' });

    const auto = await cliRecorded(['run', id, '--resource', r.arn, '--config', config(id), '--mode', 'auto']);
    expect(auto.results[0]?.status).toBe('applied');
    expect(writesIn(auto.calls)).toHaveLength(1);
    expect(await r.tags()).toEqual({ team: 'payments', 'cost-center': '0000' });

    const again = await cliRecorded(['run', id, '--resource', r.arn, '--config', config(id), '--mode', 'auto']);
    expect(again.results[0]?.status).toBe('compliant');
    expect(writesIn(again.calls)).toEqual([]);
  });
});

onEmulator('sns-required-tags', () => {
  it('routes the Security Hub SNS.3 finding to sns-required-tags', async () => {
    const t = await createTopic('tags-finding');
    const run = await cliRecorded(['handle', '--event', tempFile('event.json', findingEvent(t.arn, 'SNS.3')), '--config', config('sns-required-tags'), '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ remediation: 'sns-required-tags', status: 'applied', controls: ['SecurityHub:SNS.3'] })]);
    expect(await topicTags(t.arn)).toEqual(REQUIRED);
  });
});
