/** mq-no-public-access (Qualys 315), report-only: what it reports, and that it never writes, offline and against the emulator. */
import { expect, it } from 'vitest';
import { mqNoPublicAccess } from '../../../packages/core/src/remediations/mq-no-public-access';
import { cliRecorded } from '../../support/aws';
import { reportOnlyTests } from '../../support/report-only';
import { offline, onEmulator } from '../../support/projects';
import { createBroker, writesIn } from '../../support/sns-mq';
import { activemq, brokerState as broker, SETTINGS as settings } from '../../support/states';

offline('report-only MQ remediations', () => {
  reportOnlyTests(mqNoPublicAccess, [
    ['mq-no-public-access: private', () => mqNoPublicAccess.evaluate({ broker: broker(activemq, { publiclyAccessible: false }) }, {}, settings), 'compliant', /not publicly accessible/],
    ['mq-no-public-access: public', () => mqNoPublicAccess.evaluate({ broker: activemq }, {}, settings), 'not-remediable', /publicly accessible\. .*replacement broker with PubliclyAccessible=false/],
  ]);
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
