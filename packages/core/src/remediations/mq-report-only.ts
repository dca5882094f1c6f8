/** Shared by the report-only MQ remediations: settings Amazon MQ fixes at creation, so only a replacement helps. */
import { z } from 'zod';
import { mqBroker, type MqBrokerState } from '../resources/mq-broker';
import { defineRemediation, type Remediation } from './types';

export const ReportOnlyOptionsSchema = z.object({}).strict();
export type ReportOnlyOptions = z.infer<typeof ReportOnlyOptionsSchema>;

/** The replacement procedure, for a `not-remediable` reason. */
export function replacementProcedure(broker: MqBrokerState, setting: string): string {
  return (
    `Amazon MQ cannot change this after creation. To fix it: create a replacement broker with ${setting}, ` +
    `keeping the engine and version, instance type, users and configuration; point producers and consumers at its ` +
    `endpoints, drain ${broker.name}, then delete it`
  );
}

type ReportOnly<Input> = Remediation<typeof mqBroker, Input, ReportOnlyOptions, never>;

/** A remediation that only reports: risk `none`, no options, read-only permissions, and an apply that refuses. */
export function defineReportOnly<Input>(r: Pick<ReportOnly<Input>, 'id' | 'title' | 'controls' | 'permissions' | 'read' | 'evaluate'>): ReportOnly<Input> {
  return defineRemediation<typeof mqBroker, Input, ReportOnlyOptions, never>({
    ...r,
    kind: mqBroker,
    risk: 'none',
    optionsSchema: ReportOnlyOptionsSchema,
    apply: async () => {
      throw new Error(`${r.id} is report-only and never writes`);
    },
  });
}
