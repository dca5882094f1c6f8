/**
 * Slack interactions: the API route Slack calls when someone clicks Approve or Reject. A thin
 * handler over `handleInteraction` (the same function `fixbridge slack serve` runs): it checks the
 * signature with the SLACK_SIGNING_SECRET stage secret (none set: every request is refused), looks
 * the approval up, and puts the decision on the work queue in the resource's message group, so it
 * is decided in the same per-resource order as every other work item. It answers at once with an
 * empty 200; the worker replaces the Slack message with the outcome. It reads one table item and
 * sends one queue message: nothing else.
 */
import { createHash } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { clientConfig, parseArn } from '@fixbridge/core';
import { HubApprovalStore, messageGroupId, toDecisionMessage } from '@fixbridge/core/hub';
import { handleInteraction, respond } from '@fixbridge/core/slack';
import { ENV, readEnv, SlackEnvSchema } from './env';
import { coldStart, logger, withObservability } from './observability';
import { stageSecret } from './secrets';

export interface SlackRuntime {
  signingSecret: string | undefined;
  approvals: Pick<HubApprovalStore, 'get'>;
  sqs: SQSClient;
  queueUrl: string;
}

export async function slackRuntime(env: NodeJS.ProcessEnv = process.env): Promise<SlackRuntime> {
  const e = readEnv(SlackEnvSchema, env);
  const signingSecret = await stageSecret('SLACK_SIGNING_SECRET', env);
  if (!signingSecret) logger.error('the SLACK_SIGNING_SECRET stage secret is not set: every Slack request is refused');
  return {
    signingSecret,
    approvals: new HubApprovalStore({ table: e[ENV.historyTable], region: env.AWS_REGION }),
    sqs: new SQSClient(clientConfig(env.AWS_REGION)),
    queueUrl: e[ENV.workQueueUrl],
  };
}

export function createSlackHandler(load: () => Promise<SlackRuntime>) {
  return withObservability(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const rt = await load();
    const body = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
    const out = await handleInteraction(
      { method: event.requestContext.http.method, headers: event.headers, body },
      {
        signingSecret: rt.signingSecret,
        find: (id) => rt.approvals.get(id),
        respond,
        warn: (message) => logger.warn(message),
        submit: async (request, approval) => {
          await rt.sqs.send(
            new SendMessageCommand({
              QueueUrl: rt.queueUrl,
              MessageBody: JSON.stringify(toDecisionMessage(request)),
              MessageGroupId: messageGroupId(parseArn(approval.resourceArn)),
              // A replay of the very same request within SQS's five minutes is dropped; after them its signature is stale.
              MessageDeduplicationId: createHash('sha256').update(body).digest('hex'),
            }),
          );
          logger.info('decision queued', { approvalId: request.approvalId, verdict: request.verdict.verdict, by: request.by.id });
        },
      },
    );
    if (out.status === 401) logger.warn('refused a request without a valid Slack signature');
    return { statusCode: out.status, headers: { 'content-type': 'text/plain' }, body: out.body };
  });
}

export const handler = createSlackHandler(coldStart(() => slackRuntime()));
