/** Parsing events: every fixture as its trigger kind, and bad input as one-line InputErrors. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { defaultConfig, InputError, parseEvent, parseEventText, route, routeRunbook } from '@fixbridge/core';
import { inputErrorOf } from '../support/errors';
import { fixture } from '../support/fixtures';
import { hostileVariants, INTERNAL_ERROR } from '../support/hostile';
import { ROOT } from '../support/paths';
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
    const text = inputErrorOf(() => parseEvent(raw));
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('reads the new Security Hub’s OCSF findings and insight results (issue 8, items 8 and 10)', () => {
    const v2 = parseEvent(fixture('securityhub-v2-imported-sqs1.json'));
    expect(v2).toMatchObject({ kind: 'findings', format: 'ocsf', findings: [{ Id: '3f1e9a7c2b5d8e0f4a6c1b3d5e7f9a0c2b4d6e8f0a1c3e5f7b9d1a3c5e7f9b1d', Compliance: { Status: 'FAILED', SecurityControlId: 'SQS.1' }, Workflow: { Status: 'NEW' }, RecordState: 'ACTIVE', Resources: [{ Type: 'AWS::SQS::Queue', Id: 'arn:aws:sqs:us-east-1:123456789012:orders' }] }] });
    expect(parseEvent(fixture('securityhub-insight-results.json'))).toMatchObject({ kind: 'insight', insightName: 'Unencrypted SQS queues', customAction: { name: 'Remediate with fixbridge' } });
    const broken = fixture('securityhub-v2-imported-sqs1.json');
    delete broken.detail.findings[0].metadata.uid;
    expect(() => parseEvent(broken)).toThrow(/Security Hub OCSF finding detail\.findings\.0\.metadata\.uid/);
  });

  // Issue 8, item 17.
  it('accepts a UTF-8 byte-order mark before the JSON', () => {
    const text = `\uFEFF${JSON.stringify(fixture('cloudtrail-sqs-create-queue.json'))}`;
    expect(parseEventText(text).kind).toBe('cloudtrail');
    expect(parseEventText(Buffer.from(text, 'utf8').toString('utf8')).kind).toBe('cloudtrail');
  });

  it.each<[string, unknown]>([
    ['a 5 MB detail-type', { ...fixture('cloudtrail-sqs-create-queue.json'), 'detail-type': 'x'.repeat(5_000_000) }],
    ['a 5 MB mode of a runbook request', { remediation: 'sqs-require-tls', resourceArn: 'arn', mode: 'y'.repeat(5_000_000) }],
    ['a 5 MB source with newlines', { ...fixture('securityhub-imported-sqs1.json'), source: 'line\n'.repeat(1_000_000) }],
  ])('never echoes more than a few hundred characters of the input, on one line: %s', (_n, raw) => {
    const text = inputErrorOf(() => parseEvent(raw));
    expect(text.length).toBeLessThanOrEqual(600);
    expect(text).not.toContain('\n');
  });

  it('caps the message of malformed JSON text too', () => {
    expect(() => parseEventText(`{"a": "${'z'.repeat(5_000_000)}`)).toThrow(InputError);
    try {
      parseEventText(`{"a": "${'z'.repeat(5_000_000)}`);
    } catch (e) {
      expect((e as Error).message.length).toBeLessThanOrEqual(600);
    }
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

// Issue 8, item 18: wrong JSON types in every field the code reads are an InputError or a skip reason, never an internal error.
offline('hostile events', () => {
  const config = defaultConfig();
  const samples = readdirSync(join(ROOT, 'test/fixtures')).filter((f) => f.endsWith('.json'));
  it.each(samples)('%s with any one field of a wrong type: an InputError or reasons, never an internal error', (name) => {
    const problems: string[] = [];
    for (const { path, value, doc } of hostileVariants(fixture(name))) {
      try {
        const items = route(parseEvent(doc), config);
        for (const i of items) if (i.skip && INTERNAL_ERROR.test(i.skip)) problems.push(`${path}=${JSON.stringify(value)}: skip ${i.skip}`);
      } catch (err) {
        if (!(err instanceof InputError) || INTERNAL_ERROR.test((err as Error).message)) problems.push(`${path}=${JSON.stringify(value)}: ${String(err)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
