/** mq-auto-minor-version-upgrade (MQ.3): its evaluate table, and end to end against the emulator from a finding. */
import { expect, it } from 'vitest';
import { mqAutoMinorVersionUpgrade } from '../../../packages/core/src/remediations/mq-auto-minor-version-upgrade';
import { cliRecorded, tempFile } from '../../support/aws';
import { offline, onEmulator } from '../../support/projects';
import { createBroker, describeBroker, findingEvent, writesIn } from '../../support/sns-mq';
import { activemq, BROKER_ID as ID, brokerState as broker, rabbitmq, SETTINGS as settings } from '../../support/states';

const eventFile = (event: object) => tempFile('event.json', event);

offline('mq-auto-minor-version-upgrade', () => {
  it('is compliant when on, plans UpdateBroker when off, blocked when not RUNNING', () => {
    expect(mqAutoMinorVersionUpgrade.evaluate({ broker: broker(activemq, { autoMinorVersionUpgrade: true }) }, {}, settings).kind).toBe('compliant');
    expect(mqAutoMinorVersionUpgrade.evaluate({ broker: rabbitmq }, {}, settings)).toMatchObject({
      kind: 'plan',
      changes: [{ field: 'AutoMinorVersionUpgrade', before: false, after: true }],
      ops: [{ kind: 'update', brokerId: ID, autoMinorVersionUpgrade: true }],
    });
    expect(mqAutoMinorVersionUpgrade.evaluate({ broker: broker(activemq, { brokerState: 'REBOOT_IN_PROGRESS' }) }, {}, settings).kind).toBe('blocked');
  });
});

onEmulator('mq-auto-minor-version-upgrade', () => {
  it('from a Security Hub MQ.3 finding: plans in dry-run, applies in auto', async () => {
    const b = await createBroker('amvu');
    const event = eventFile(findingEvent(b.arn, 'MQ.3'));
    const dry = await cliRecorded(['handle', '--event', event]);
    expect(dry.results).toEqual([expect.objectContaining({ remediation: 'mq-auto-minor-version-upgrade', status: 'planned', resourceArn: b.arn })]);
    expect(writesIn(dry.calls)).toEqual([]);
    const auto = await cliRecorded(['handle', '--event', event, '--mode', 'auto']);
    expect(auto.results[0]).toMatchObject({ status: 'applied', changes: [{ field: 'AutoMinorVersionUpgrade', before: false, after: true }] });
    const after = await describeBroker(b.id);
    expect(after.AutoMinorVersionUpgrade).toBe(true);
    expect(after.Logs).toEqual({ General: false, Audit: false });
  });
});
