/** The bus event of a delivered result: its detail type and detail. */
import { expect, it } from 'vitest';
import { STATUSES } from '@fixbridge/core';
import { busEntry } from '@fixbridge/core/hub';
import { reported } from '../../support/hub';
import { offline } from '../../support/projects';

offline('reporting', () => {
  it('names a detail type for every status and puts the result in the detail', () => {
    for (const s of STATUSES) expect(busEntry(reported(s), 'default').DetailType).toMatch(/^Remediation [A-Z]/);
    expect(busEntry(reported('awaiting-approval'), 'default').DetailType).toBe('Remediation Awaiting Approval');
    expect(JSON.parse(busEntry(reported('applied'), 'default').Detail)).toMatchObject({ status: 'applied', changeId: 'ch-0123456789abcdef0123', trigger: { kind: 'finding' } });
  });
});
