#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx fixbridge` works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

// The SDK's notice that its 2027 releases need Node 22 is for operators, not for every run of the CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
