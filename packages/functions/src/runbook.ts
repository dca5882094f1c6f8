/**
 * Runbook: direct invocation with {"remediation", "resourceArn", "mode"}, the contract of
 * `fixbridge run`: it answers {"results": [...]} and rejects bad input with a one-line error.
 * The invocation's request id is the event id, so Lambda's retry of the same invocation never
 * applies twice.
 */
import type { Context } from 'aws-lambda';
import { InputError, parseEvent, routeRunbook, type Result } from '@fixbridge/core';
import { deliver } from '@fixbridge/core/hub';
import { coldStart, countResult, withObservability } from './observability';
import { engineRuntime, type EngineRuntime } from './engine-runtime';

export function createRunbook(load: () => Promise<EngineRuntime>) {
  return withObservability(async (event: unknown, context: Context): Promise<{ results: Result[] }> => {
    const rt = await load();
    const trigger = parseEvent(event, 'runbook request');
    if (trigger.kind !== 'runbook') throw new InputError('the runbook function takes {"remediation", "resourceArn", "mode"}; events go to the router');
    const { remediation, resourceArn, mode } = trigger.request;
    const items = routeRunbook(remediation, resourceArn, undefined, mode).map((i) => ({ ...i, trigger: { ...i.trigger, eventId: context.awsRequestId } }));
    const results: Result[] = [];
    for (const item of items) results.push((await deliver(item, rt.deps)).result);
    results.forEach(countResult);
    return { results };
  });
}

export const handler = createRunbook(coldStart(() => engineRuntime()));
