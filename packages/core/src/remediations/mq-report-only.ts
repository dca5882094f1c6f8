/** Shared by the report-only MQ remediations: settings Amazon MQ fixes at creation, so only a replacement helps. */
import { z } from 'zod';
import type { MqBrokerState } from '../adapters/mq';
import { defineRemediation, type Remediation } from './types';

export const ReportOnlyConfigSchema = z.object({}).strict();
export type ReportOnlyConfig = z.infer<typeof ReportOnlyConfigSchema>;

/** The replacement procedure, for a `not-remediable` reason. */
export function replacementProcedure(broker: MqBrokerState, setting: string): string {
  return (
    `Amazon MQ cannot change this after creation. To fix it: create a replacement broker with ${setting}, ` +
    `keeping the engine and version, instance type, users and configuration; point producers and consumers at its ` +
    `endpoints, drain ${broker.name}, then delete it`
  );
}

/** A remediation that only reports: risk `none`, no settings, read-only permissions, and an apply that refuses. */
export function defineReportOnly<Input>(
  r: Pick<Remediation<Input, ReportOnlyConfig, never>, 'id' | 'title' | 'controls' | 'permissions' | 'read' | 'evaluate'>,
): Remediation<Input, ReportOnlyConfig, never> {
  return defineRemediation<Input, ReportOnlyConfig, never>({
    ...r,
    resourceType: 'mq-broker',
    risk: 'none',
    configSchema: ReportOnlyConfigSchema,
    apply: async () => {
      throw new Error(`${r.id} is report-only and never writes`);
    },
  });
}
