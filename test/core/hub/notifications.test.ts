/** The notification of a delivered result: which results people hear of, and what it says. */
import { expect, it } from 'vitest';
import { notificationFor } from '@fixbridge/core/hub';
import { reported } from '../../support/hub';
import { offline } from '../../support/projects';

offline('reporting', () => {
  it('notifies people of notable results only, with a short subject', () => {
    expect(notificationFor(reported('compliant'))).toBeUndefined();
    expect(notificationFor(reported('skipped'))).toBeUndefined();
    const n = notificationFor(reported('applied'))!;
    expect(n.subject).toBe('fixbridge applied: sqs-require-tls on orders');
    expect(n.message).toContain('Undo: fixbridge rollback ch-0123456789abcdef0123 --mode auto');
  });
});
