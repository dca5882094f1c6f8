/**
 * `@fixbridge/core/slack`: approvals in Slack — the Block Kit messages, the request signature, the
 * interaction endpoint (one request → one response, for the hub's Lambda and `fixbridge slack
 * serve`), the Web API client and the outcome reports. Nothing here loads unless imported.
 */
export * from './message';
export * from './signature';
export * from './interaction';
export * from './notifier';
export * from './respond';
export * from './report';
