import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';

/** A fresh copy of a fixture under test/fixtures (safe to mutate). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(ROOT, "test/fixtures", name), "utf8"));
}

/** A CloudTrail SQS event for queue `name` (from the CreateQueue or SetQueueAttributes fixture). */
export function sqsCloudTrailEvent(name: string, eventName = 'SetQueueAttributes'): Record<string, any> {
  const e = fixture(eventName === 'CreateQueue' ? 'cloudtrail-sqs-create-queue.json' : 'cloudtrail-sqs-set-queue-attributes.json');
  const url = `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`;
  if (eventName === 'CreateQueue') {
    e.detail.requestParameters.queueName = name;
    e.detail.responseElements.queueUrl = url;
  } else {
    e.detail.eventName = eventName;
    e.detail.requestParameters = { queueUrl: url };
  }
  return e;
}

/** A Security Hub imported finding for control `controlId` on queue `name`. */
export function sqsFindingEvent(name: string, controlId = 'SQS.1'): Record<string, any> {
  const e = fixture('securityhub-imported-sqs1.json');
  const f = e.detail.findings[0];
  f.Compliance.SecurityControlId = controlId;
  f.GeneratorId = `security-control/${controlId}`;
  f.Resources[0].Id = `arn:aws:sqs:us-east-1:123456789012:${name}`;
  return e;
}
