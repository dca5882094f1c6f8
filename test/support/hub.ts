/** Work items, results and deliveries for the offline tests of the hub's outputs and work messages. */
import { makeResult, routeRunbook, type Result, type ResultFields, type WorkItem } from '@fixbridge/core';
import type { Delivery } from '@fixbridge/core/hub';
import { QUEUE_ARN } from './states';

/** A finding-triggered work item of `remediation` on `arn` (the orders queue by default). */
export const workItem = (eventId?: string, arn = QUEUE_ARN, remediation = 'sqs-require-tls'): WorkItem => {
  const [i] = routeRunbook(remediation, arn);
  return { ...i!, trigger: { kind: 'finding', eventId, findingId: 'f-1', productArn: 'arn:aws:securityhub:eu-west-1::product/aws/securityhub' } };
};

/** A result of sqs-require-tls on the orders queue, in auto mode. */
export const result = (status: Result['status'], over: Partial<ResultFields> & { pendingReboot?: true } = {}): Result =>
  makeResult({ remediation: 'sqs-require-tls', controls: ['Qualys:452'], resourceArn: QUEUE_ARN, mode: 'auto', changes: [], reason: 'because', ...over }, status, over);

/** A delivery of a finding's work item with a result of `status`, as the hub's outputs receive it. */
export const reported = (status: Result['status'], over: Partial<Delivery> = {}): Delivery => ({ item: workItem('e-1'), result: result(status), changeId: 'ch-0123456789abcdef0123', time: new Date(0), duplicate: false, ...over });
