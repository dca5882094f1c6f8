/**
 * Worker: runs the engine for each work item of an SQS FIFO batch, records and reports the result.
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
import { decideInHub, decisionMessageOf, deliver, fromWorkMessage, securityHubWriteBack, type DecisionMessage, type HubDeps } from '@fixbridge/core/hub';
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
    const record = async (r: SQSRecord) => {
      try {
        const decision = decisionMessageOf(r.body);
        if (decision) return await decideMessage(decision, r.messageId, deps, rt);
        const d = await deliver(fromWorkMessage(r.body), deps);
        countResult(d.result);
        logger.info('result', { ...d.result, changes: d.result.changes.length, changeId: d.changeId, duplicate: d.duplicate });
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
