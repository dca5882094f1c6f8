/** Parsing events: every fixture as its trigger kind, and bad input as one-line InputErrors. */
import { expect, it } from 'vitest';
import { InputError, parseEvent, parseEventText, routeRunbook } from '@fixbridge/core';
import { fixture } from '../support/fixtures';
import { offline } from '../support/projects';

offline('parse', () => {
  it('reads every fixture as the right trigger kind', () => {
    expect(parseEvent(fixture('cloudtrail-sqs-create-queue.json')).kind).toBe('cloudtrail');
    expect(parseEvent(fixture('securityhub-imported-sqs1.json')).kind).toBe('findings');
    const custom = parseEvent(fixture('securityhub-custom-action.json'));
    expect(custom.kind === 'findings' && custom.customAction?.name).toBe('Remediate with fixbridge');
    expect(parseEvent(fixture('runbook-request.json')).kind).toBe('runbook');
  });

  it.each<[string, unknown, RegExp]>([
    ['an array', [], /must be a JSON object/],
    ['an unknown detail-type', { ...fixture('cloudtrail-sqs-create-queue.json'), 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2' }, /unknown shape: detail-type "EC2 Instance State-change Notification"/],
    ['a CloudTrail event of another service', { ...fixture('cloudtrail-sqs-create-queue.json'), source: 'aws.s3' }, /source "aws.s3" are not handled/],
    ['a bad account', { ...fixture('cloudtrail-sqs-create-queue.json'), account: 'abc' }, /account: expected a 12-digit account id/],
    ['a finding without Resources', (() => { const e = fixture('securityhub-imported-sqs1.json'); delete e.detail.findings[0].Resources; return e; })(), /detail\.findings\.0\.Resources/],
    ['a runbook request with a typo key', { remediation: 'sqs-require-tls', resourceArn: 'arn', mdoe: 'auto' }, /runbook request/],
    ['a runbook request with a bad mode', { remediation: 'sqs-require-tls', resourceArn: 'arn', mode: 'yolo' }, /mode/],
  ])('rejects %s with a one-line InputError', (_n, raw, message) => {
    let err: unknown;
    try {
      parseEvent(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('quotes what it was given short and on one line, however long or multi-line (found by test/reliability/events.property.test.ts)', () => {
    const huge = `aws.${'é😀\n'.repeat(50_000)}`;
    for (const raw of [{ ...fixture('cloudtrail-sqs-create-queue.json'), source: huge }, { remediation: huge, resourceArn: 'arn:aws:sqs:us-east-1:123456789012:q' }, { remediation: 'sqs-require-tls', resourceArn: huge }]) {
      let message = '';
      try {
        const event = parseEvent(raw);
        if (event.kind === 'runbook') routeRunbook(event.request.remediation, event.request.resourceArn);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        message = (e as Error).message;
      }
      expect(message).toMatch(/aws\.é😀\\né😀.*… \(150004 characters\)/);
      expect(message).not.toContain('\n');
      expect(message.length).toBeLessThan(300);
    }
  });

  it('rejects malformed JSON naming the source', () => {
    expect(() => parseEventText('{"version":', 'event file x.json')).toThrow(/event file x.json is not valid JSON/);
  });
});
