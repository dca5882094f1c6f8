import { z } from 'zod';

/**
 * `AWS API Call via CloudTrail` detail (sources `aws.sqs`, `aws.sns`, `aws.amazonmq`).
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * Sample: test/fixtures/cloudtrail-sqs-create-queue.json
 */
export const CloudTrailUserIdentitySchema = z
  .object({
    type: z.string().optional(),
    principalId: z.string().optional(),
    arn: z.string().optional(),
    accountId: z.string().optional(),
    invokedBy: z.string().optional(),
    sessionContext: z
      .object({
        sessionIssuer: z.object({ type: z.string().optional(), arn: z.string().optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export const CloudTrailDetailSchema = z
  .object({
    eventVersion: z.string().optional(),
    userIdentity: CloudTrailUserIdentitySchema.optional(),
    eventTime: z.string().optional(),
    eventSource: z.string().min(1),
    eventName: z.string().min(1),
    awsRegion: z.string().min(1),
    sourceIPAddress: z.string().optional(),
    userAgent: z.string().optional(),
    requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
    responseElements: z.record(z.string(), z.unknown()).nullable().optional(),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    requestID: z.string().optional(),
    eventID: z.string().optional(),
    eventType: z.string().optional(),
    recipientAccountId: z.string().optional(),
  })
  .passthrough();
export type CloudTrailDetail = z.infer<typeof CloudTrailDetailSchema>;

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
