/**
 * Worker: runs the engine for each work message of an SQS FIFO batch (one work item, or several
 * remediations of one resource), records and reports each result. A sweep's listing message
 * (`type: 'list'`) is handled by listing that kind in its account and region and queueing one work
 * message per resource (`runListing`); a listing that fails for good is reported, not retried.
 * A message that throws is reported as a batch item failure (SQS redelivers it, then dead-letters
 * it); Powertools' FIFO processor fails the later messages of the same group in the batch too
 * (`skipGroupOnError`), so a resource's edits stay in order while other groups go on. A `failed`
 * result is not an error here: it is recorded and reported like any other.
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { clientConfig } from '@fixbridge/core';
import { InputError } from '@fixbridge/core';
import { decideInHub, decisionMessageOf, deliverAll, fromWorkMessage, listMessageOf, runListing, securityHubWriteBack, type DecisionMessage, type HubDeps, type ListMessage } from '@fixbridge/core/hub';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { coldStart, countResult, logger, metrics, withObservability } from './observability';
import { engineRuntime, type EngineRuntime } from './engine-runtime';

/** Security Hub clients by region: a finding is written back in the region of its product ARN. */
function securityHubIn(): (region: string) => SecurityHubClient {
  const hubs = new Map<string, SecurityHubClient>();
  return (region) => hubs.get(region) ?? hubs.set(region, new SecurityHubClient(clientConfig(region))).get(region)!;
}

export function createWorker(load: () => Promise<EngineRuntime>) {
  const writeBack = securityHubWriteBack(securityHubIn());
  return withObservability(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    let rt: EngineRuntime;
    try {
      rt = await load();
    } catch {
      // Cold start failed (logged once by coldStart): every message goes back to the queue.
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    }
    const deps: HubDeps = { ...rt.deps, outputs: [writeBack, ...(rt.deps.outputs ?? [])] };
    const processor = new SqsFifoPartialProcessorAsync();
    const work = async (body: string) => {
      for (const d of await deliverAll(fromWorkMessage(body), deps)) {
        countResult(d.result);
        if (d.unchanged) metrics.addMetric('unchanged', MetricUnit.Count, 1);
        logger.info('result', { ...d.result, changes: d.result.changes.length, changeId: d.changeId, duplicate: d.duplicate, unchanged: d.unchanged ?? false });
      }
    };
    const list = async (m: ListMessage) => {
      const where = { accountId: m.accountId, region: m.region, resourceType: m.resourceType };
      const out = await runListing(m, rt.listing);
      for (const i of out.skipped) logger.info('skipped', { remediation: null, resourceArn: i.resourceArn, reason: i.skip });
      if (out.failure) {
        logger.error('listing failed', { ...where, queued: out.queued, error: out.failure.error });
        metrics.addMetric('listingFailed', MetricUnit.Count, 1);
      } else logger.info('listed', { ...where, queued: out.queued, skipped: out.skipped.length });
      metrics.addMetric('queued', MetricUnit.Count, out.queued);
    };
    const record = async (r: SQSRecord) => {
      try {
        const decision = decisionMessageOf(r.body);
        if (decision) return await decideMessage(decision, r.messageId, deps, rt);
        const listing = listMessageOf(r.body);
        await (listing ? list(listing) : work(r.body));
      } catch (err) {
        logger.error('work item failed', { messageId: r.messageId, error: (err as Error)?.message ?? String(err) });
        throw err;
      }
    };
    const response = await processPartialResponse(event, record, processor, { context, skipGroupOnError: true, throwOnFullBatchFailure: false });
    metrics.addMetric('failedMessages', MetricUnit.Count, response.batchItemFailures.length);
    return response;
  });
}

/** A decision taken in Slack (`type: "decision"`): decided, applied and reported in the resource's turn. */
async function decideMessage(m: DecisionMessage, messageId: string, deps: HubDeps, rt: EngineRuntime): Promise<void> {
  try {
    const decided = await decideInHub(m, messageId, { hub: deps, store: rt.approvals, notifier: rt.slack });
    if (decided.kind === 'decided') countResult(decided.result);
    logger.info('decision', { approvalId: m.approvalId, verdict: m.verdict, by: m.by.id, outcome: decided.kind === 'decided' ? decided.approval.status : `refused (${decided.code})` });
  } catch (err) {
    // An approval that does not exist will not exist on a retry either: logged, not retried.
    if (!(err instanceof InputError)) throw err;
    logger.error('decision rejected', { approvalId: m.approvalId, reason: err.message });
  }
}

export const handler = createWorker(coldStart(() => engineRuntime()));
