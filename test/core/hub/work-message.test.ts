/** Work messages: the work item on the FIFO work queue, its idempotency keys and its message group. */
import { expect, it } from 'vitest';
import { remediationsForType } from '@fixbridge/core';
import { changeIdFor, deduplicationId, fromWorkMessage, idempotencyKey, messageGroupId, toWorkMessage, workEntry } from '@fixbridge/core/hub';
import { workItem as item } from '../../support/hub';
import { offline } from '../../support/projects';
import { QUEUE_ARN as ARN } from '../../support/states';

offline('work messages', () => {
  it('round-trip an OCSF finding’s trigger (its V2 write-back format)', () => {
    const i = { ...item('e-1'), trigger: { ...item('e-1').trigger, findingFormat: 'ocsf' as const } };
    expect(fromWorkMessage(JSON.stringify(toWorkMessage(i)))[0]!.trigger).toEqual(i.trigger);
  });

  it('round-trip a work item through JSON, keeping the trigger and modes', () => {
    const i = { ...item('e-1'), forcedMode: 'dry-run' as const };
    const [back, ...more] = fromWorkMessage(JSON.stringify(toWorkMessage(i)));
    expect(more).toEqual([]);
    expect(back).toMatchObject({ resourceArn: ARN, trigger: i.trigger, forcedMode: 'dry-run' });
    expect(back!.remediation?.id).toBe('sqs-require-tls');
  });

  it('carry every remediation of one resource in one message, each with its own keys', () => {
    const ids = remediationsForType('sqs-queue').map((r) => r.id);
    const items = ids.map((id) => item('sweep-1', ARN, id));
    const message = toWorkMessage(...items);
    expect(message.remediation).toEqual(ids);
    const back = fromWorkMessage(JSON.stringify(message));
    expect(back.map((i) => i.remediation?.id)).toEqual(ids);
    expect(back.map(idempotencyKey)).toEqual(items.map(idempotencyKey));
    const entry = workEntry(...items);
    expect(entry.groupId).toBe(ARN);
    expect(entry.deduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.deduplicationId).not.toBe(workEntry(...items.slice(1)).deduplicationId);
    expect(workEntry(items[0]!).deduplicationId).toBe(idempotencyKey(items[0]!));
    expect(() => toWorkMessage(items[0]!, item('sweep-1', `${ARN}-2`, ids[1]))).toThrow(/one resource/);
    expect(() => toWorkMessage(items[0]!, items[0]!)).toThrow(/each remediation once/);
  });

  it('reject malformed messages with the field', () => {
    expect(() => fromWorkMessage('{')).toThrow(/not valid JSON/);
    expect(() => fromWorkMessage(JSON.stringify({ remediation: 'nope', resourceArn: ARN, trigger: { kind: 'runbook' } }))).toThrow(/unknown remediation "nope"/);
    expect(() => fromWorkMessage(JSON.stringify({ remediation: 'sqs-require-tls', trigger: { kind: 'runbook' } }))).toThrow(/resourceArn/);
  });

  it('derive the same keys for the same event, remediation and resource only', () => {
    expect(idempotencyKey(item('e-1'))).toBe(idempotencyKey(item('e-1')));
    expect(idempotencyKey(item('e-1'))).not.toBe(idempotencyKey(item('e-2')));
    expect(idempotencyKey(item('e-1'))).not.toBe(idempotencyKey(item('e-1', `${ARN}-2`)));
    expect(idempotencyKey(item(undefined))).toBeUndefined();
    expect(deduplicationId(item(undefined))).toMatch(/^[0-9a-f]{64}$/);
  });

  // Issue 8, item 11: the FSBP and the NIST finding of one queue in one custom action.
  it('give two findings of one resource and remediation in one event two deduplication ids, and a redelivery the same', () => {
    const withFinding = (findingId: string) => {
      const i = item('e-1');
      return { ...i, trigger: { ...i.trigger, findingId } };
    };
    const fsbp = withFinding('arn:aws:securityhub:us-east-1:123456789012:subscription/aws-foundational-security-best-practices/v/1.0.0/SQS.1/finding/a');
    const nist = withFinding('arn:aws:securityhub:us-east-1:123456789012:subscription/nist-800-53/v/5.0.0/SQS.1/finding/b');
    expect(deduplicationId(fsbp)).not.toBe(deduplicationId(nist));
    expect(idempotencyKey(fsbp)).not.toBe(idempotencyKey(nist));
    expect(deduplicationId(fsbp)).toBe(deduplicationId(withFinding(fsbp.trigger.findingId)));
    expect(changeIdFor(idempotencyKey(fsbp))).toBe(changeIdFor(idempotencyKey(withFinding(fsbp.trigger.findingId))));
    expect(changeIdFor(idempotencyKey(fsbp))).not.toBe(changeIdFor(idempotencyKey(nist)));
  });

  it('group by resource ARN, hashing ARNs longer than SQS allows', () => {
    expect(messageGroupId(item().ref!)).toBe(ARN);
    expect(messageGroupId(item(undefined, `arn:aws:sns:us-east-1:123456789012:${'t'.repeat(200)}`, 'sns-require-tls').ref!)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('give both ARN forms of one broker the same group and the same keys', () => {
    const id = 'b-1234abcd-56ef-78ab-90cd-1234567890ab';
    const [named, bare] = [`arn:aws:mq:us-east-1:123456789012:broker:orders:${id}`, `arn:aws:mq:us-east-1:123456789012:broker:${id}`].map((arn) => item('e-1', arn, 'mq-enable-logging'));
    expect(messageGroupId(named!.ref!)).toBe(messageGroupId(bare!.ref!));
    expect(idempotencyKey(named!)).toBeDefined();
    expect(idempotencyKey(named!)).toBe(idempotencyKey(bare!));
    expect(deduplicationId(named!)).toBe(deduplicationId(bare!));
    expect(idempotencyKey(named!)).not.toBe(idempotencyKey(item('e-1', `arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234abcd-56ef-78ab-90cd-000000000000`, 'mq-enable-logging')));
  });
});
