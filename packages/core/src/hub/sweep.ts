/**
 * The daily sweep: the schedule asks the engine to re-check every resource. The router lists the
 * resources of each kind the catalog remediates (in its own account and region) and queues one work
 * item per resource and remediation (trigger kind `sweep`: a resource deleted meanwhile is skipped).
 * A listed resource fixbridge cannot name becomes one skipped item (the router logs and drops it);
 * the rest of the sweep goes on.
 */
import type { ResourceRef } from '../arn';
import type { Clients } from '../aws/clients';
import { CATALOG, catalogKinds, remediationsForType } from '../catalog';
import { InputError } from '../errors';
import { parseArn, type ResourceType } from '../resources';
import type { AnyRemediation } from '../remediations/types';
import type { Trigger, WorkItem } from '../routing';

export const SCHEDULE_SOURCE = 'aws.events';
export const SCHEDULED_EVENT = 'Scheduled Event';

/** An EventBridge schedule event, which the router answers with a sweep. */
export function isScheduledEvent(raw: unknown): raw is { id: string; source: string; 'detail-type': string } {
  const e = raw as Record<string, unknown> | null;
  return typeof e === 'object' && e !== null && e.source === SCHEDULE_SOURCE && e['detail-type'] === SCHEDULED_EVENT && typeof e.id === 'string';
}

/** The IAM actions the sweep needs: one list action per resource kind the catalog remediates. */
export function sweepPermissions(catalog: readonly AnyRemediation[] = CATALOG): string[] {
  return catalogKinds(catalog).map((k) => k.list.permission).sort();
}

/** The trigger of every work item of one sweep: the schedule event's id. */
export function sweepTrigger(eventId: string): Trigger {
  return { kind: 'sweep', eventId, eventName: SCHEDULED_EVENT };
}

export async function sweepItems(clients: Clients, eventId: string, catalog: readonly AnyRemediation[] = CATALOG): Promise<WorkItem[]> {
  const trigger = sweepTrigger(eventId);
  const items: WorkItem[] = [];
  for (const kind of catalogKinds(catalog)) {
    for await (const listed of kind.list.all(clients)) {
      const skip = (resourceArn: string, why: string) =>
        items.push({ remediation: null, resourceArn, trigger, skip: `the sweep listed an ${kind.label} fixbridge cannot name: ${why}` });
      if ('error' in listed) {
        skip(listed.listed, listed.error);
        continue;
      }
      let ref: ResourceRef;
      try {
        ref = { ...parseArn(listed.arn), ...(listed.hint ? { hint: listed.hint } : {}) };
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        skip(listed.arn, err.message);
        continue;
      }
      for (const r of remediationsForType(kind.type as ResourceType, catalog)) items.push({ remediation: r, resourceArn: ref.arn, ref, trigger });
    }
  }
  return items;
}
