/** The hub's approval store in the history table: the same contract as the CLI's, against the emulator. */
import { beforeAll } from 'vitest';
import { HubApprovalStore } from '@fixbridge/core/hub';
import { approvalStoreContract } from '../../support/approvals';
import { REGION } from '../../support/aws';
import { createHistoryTable } from '../../support/deploy';
import { onEmulator } from '../../support/projects';

onEmulator('hub approval store', () => {
  let table: string;
  beforeAll(async () => {
    table = await createHistoryTable();
  });
  approvalStoreContract(() => new HubApprovalStore({ table, region: REGION }));
});
