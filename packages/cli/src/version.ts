/** The CLI's version: the one in packages/cli/package.json (core's VERSION is the SDK user agent's). */
import { readFileSync } from 'node:fs';

export const CLI_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
