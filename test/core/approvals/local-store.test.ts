/** The CLI's approval store: a directory, with decisions made single-use by an exclusive create. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { defaultApprovalsDir, LocalApprovalStore } from '@fixbridge/core/approvals';
import { approvalStoreContract, candidate, freshQueueArn, T0 } from '../../support/approvals';
import { offline } from '../../support/projects';

offline('local approval store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixbridge-approvals-'));
  approvalStoreContract(() => new LocalApprovalStore(dir));

  it('keeps one readable JSON file per approval, and no temporary files', async () => {
    const own = mkdtempSync(join(tmpdir(), 'fixbridge-approvals-'));
    const store = new LocalApprovalStore(own);
    const a = candidate(freshQueueArn());
    await store.file(a, T0);
    expect(readdirSync(own).sort()).toEqual([`${a.id}.json`, 'pending']);
    expect(JSON.parse(readFileSync(join(own, `${a.id}.json`), 'utf8'))).toEqual(a);
  });

  it('lists nothing when the directory does not exist yet', async () => {
    expect(await new LocalApprovalStore(join(dir, 'not-yet')).list()).toEqual([]);
  });

  it('lives under the user state directory unless told otherwise', () => {
    expect(defaultApprovalsDir({ FIXBRIDGE_APPROVALS_DIR: '/x/a', XDG_STATE_HOME: '/s', HOME: '/h' })).toBe('/x/a');
    expect(defaultApprovalsDir({ XDG_STATE_HOME: '/s', HOME: '/h' })).toBe('/s/fixbridge/approvals');
    expect(defaultApprovalsDir({ HOME: '/h' })).toBe('/h/.local/state/fixbridge/approvals');
  });
});
