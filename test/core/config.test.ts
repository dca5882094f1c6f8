import { expect, it } from 'vitest';
import { effectiveMode, parseConfig } from '@fixbridge/core';
import { inputErrorOf } from '../support/errors';
import { offline } from '../support/projects';

offline('config', () => {
  it('defaults: dry-run, the standard exempt tag, every remediation with its defaults', () => {
    const c = parseConfig({});
    expect(c.exemptTagKey).toBe('fixbridge:exempt');
    expect(effectiveMode(c, 'sqs-require-tls')).toBe('dry-run');
    expect(c.remediations['sqs-dead-letter-queue']?.options).toEqual({ maxReceiveCount: 5 });
  });

  it('mode precedence: flag > remediation > top level > dry-run', () => {
    const c = parseConfig({ mode: 'approval', remediations: { 'sqs-require-tls': { mode: 'auto' } } });
    expect(effectiveMode(c, 'sqs-require-tls')).toBe('auto');
    expect(effectiveMode(c, 'sqs-dead-letter-queue')).toBe('approval');
    expect(effectiveMode(c, 'sqs-require-tls', 'dry-run')).toBe('dry-run');
  });

  it('passes each remediation its own settings', () => {
    const c = parseConfig({ remediations: { 'sqs-encrypt-at-rest': { kmsKeyId: 'alias/queues' }, 'sqs-dead-letter-queue': { maxReceiveCount: 3 } } });
    expect(c.remediations['sqs-encrypt-at-rest']?.options).toEqual({ kmsKeyId: 'alias/queues' });
    expect(c.remediations['sqs-dead-letter-queue']?.options).toEqual({ maxReceiveCount: 3 });
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown top-level key', { mod: 'auto' }, /Unrecognized key.*"mod"/i],
    ['a bad mode', { mode: 'yes' }, /mode/],
    ['an unknown remediation', { remediations: { 'sqs-encrypt': {} } }, /remediations.sqs-encrypt: unknown remediation/],
    ['an unknown remediation setting', { remediations: { 'sqs-encrypt-at-rest': { kmsKey: 'x' } } }, /remediations.sqs-encrypt-at-rest.*kmsKey/i],
    ['a setting of the wrong type', { remediations: { 'sqs-dead-letter-queue': { maxReceiveCount: '5' } } }, /remediations.sqs-dead-letter-queue.maxReceiveCount/],
    ['a setting out of range', { remediations: { 'sqs-dead-letter-queue': { maxReceiveCount: 0 } } }, /maxReceiveCount/],
    ['a bad remediation mode', { remediations: { 'sqs-require-tls': { mode: 'on' } } }, /remediations.sqs-require-tls.mode/],
    ['a bad organization id', { organizationId: 'org-1' }, /organizationId: expected an AWS Organizations id/],
    ['a bad engine role', { engineRoleArn: 'fixbridge' }, /engineRoleArn: expected an IAM role ARN/],
  ])('rejects %s with one line naming it', (_n, raw, message) => {
    const text = inputErrorOf(() => parseConfig(raw, 'config file c.json'));
    expect(text).toMatch(/^config file c.json: /);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});
