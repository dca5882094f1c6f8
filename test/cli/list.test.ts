/** `fixbridge list`: the catalog as JSON and as a table. */
import { expect, it } from 'vitest';
import { cli } from '../support/aws';
import { offline } from '../support/projects';

offline('fixbridge list', () => {
  it('prints the catalog as JSON with controls, risk and permissions', async () => {
    const run = await cli(['list', '--json']);
    const { remediations } = JSON.parse(run.stdout) as { remediations: { id: string; controls: string[]; risk: string; permissions: string[] }[] };
    expect(remediations.find((r) => r.id === 'sqs-encrypt-at-rest')).toMatchObject({ controls: ['SecurityHub:SQS.1', 'Qualys:291', 'Qualys:451'], risk: 'medium', permissions: expect.arrayContaining(['sqs:SetQueueAttributes', 'kms:GetKeyPolicy']) });
  });

  it('prints a table for a person', async () => {
    const run = await cli(['list']);
    expect(run.stdout).toMatch(/^REMEDIATION\s+RESOURCE\s+SECURITY HUB\s+QUALYS\s+RISK/);
    expect(run.stdout).toMatch(/sqs-block-public-access\s+SQS queue\s+SQS\.3\s+382\s+high/);
  });

  it('answers --help and --version with exit 0', async () => {
    expect((await cli(['--help'])).stdout).toContain('fixbridge run <remediation-id|control-id> --resource <arn>');
    expect((await cli(['--version'])).code).toBe(0);
  });
});
