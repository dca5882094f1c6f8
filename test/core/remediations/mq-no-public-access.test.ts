/** mq-no-public-access (Qualys 315), report-only: what it reports, and that it never writes, offline and against the emulator. */
import { expect, it } from 'vitest';
import { permissionsOf } from '@fixbridge/core';
import { mqNoPublicAccess } from '../../../packages/core/src/remediations/mq-no-public-access';
import { cliRecorded } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { createBroker, writesIn } from '../../support/sns-mq';
import { activemq, brokerState as broker, SETTINGS as settings } from '../../support/states';

offline('report-only MQ remediations', () => {
  it.each<[string, () => { kind: string; reason: string }, string, RegExp]>([
    ['mq-no-public-access: private', () => mqNoPublicAccess.evaluate({ broker: broker(activemq, { publiclyAccessible: false }) }, {}, settings), 'compliant', /not publicly accessible/],
    ['mq-no-public-access: public', () => mqNoPublicAccess.evaluate({ broker: activemq }, {}, settings), 'not-remediable', /publicly accessible\. .*replacement broker with PubliclyAccessible=false/],
  ])('%s → %s', (_n, evaluate, kind, reason) => {
    const a = evaluate();
    expect(a.kind).toBe(kind);
    expect(a.reason).toMatch(reason);
  });

  it.each([mqNoPublicAccess])('$id never writes: risk none, read-only permissions, apply refuses', async (r) => {
    expect(r.risk).toBe('none');
    expect(permissionsOf(r).every((p) => /^(mq:Describe|kms:Describe)/.test(p))).toBe(true);
    await expect(r.apply!({} as never, [], {})).rejects.toThrow(/report-only/);
  });
});

onEmulator('report-only MQ remediations', () => {
  it.each<[string, string]>([
    ['Qualys:315', 'mq-no-public-access'],
  ])('%s on a public single-instance ActiveMQ broker is not-remediable in auto mode, with the replacement procedure, and writes nothing', async (control, id) => {
    const b = await createBroker('report', { PubliclyAccessible: true });
    const run = await cliRecorded(['run', control, '--resource', b.arn, '--mode', 'auto']);
    expect(run.results).toEqual([expect.objectContaining({ remediation: id, status: 'not-remediable', reason: expect.stringMatching(/create a replacement broker .*then delete it/) })]);
    expect(writesIn(run.calls)).toEqual([]);
  });
});
