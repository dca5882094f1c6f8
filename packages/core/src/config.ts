/**
 * The engine configuration: the JSON file of `fixbridge --config`, and the deployed engine's SSM
 * parameter. Strict everywhere: an unknown key is an error, never silently ignored. Each entry of
 * `remediations` holds that remediation's `mode` and its own options, validated by its
 * `optionsSchema`.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CATALOG } from './catalog';
import { InputError } from './errors';
import { firstIssue } from './events/envelope';
import { ModeSchema, type Mode } from './results';
import type { AnyRemediation } from './remediations/types';

export const DEFAULT_EXEMPT_TAG_KEY = 'fixbridge:exempt';
/** How long an approval waits for a decision: a day. */
export const DEFAULT_APPROVAL_TTL_SECONDS = 86_400;

/** Where approvals are posted and who may decide them there. The token and signing secret come from the environment only. */
export const SlackConfigSchema = z
  .object({
    channel: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'expected a Slack channel id like C0123456789 (the channel\'s "Copy link" ends in it)'),
    approvers: z
      .array(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'expected a Slack user id like U0123456789'))
      .min(1, 'name at least one Slack user id who may approve'),
  })
  .strict();

/** The file as written: every key of the top level, remediations still untyped. */
export const EngineConfigFileSchema = z
  .object({
    mode: ModeSchema.optional(),
    exemptTagKey: z.string().min(1).max(128).default(DEFAULT_EXEMPT_TAG_KEY),
    engineRoleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)')
      .optional(),
    organizationId: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'expected an AWS Organizations id like o-abc123defg').optional(),
    /** How long an approval waits for a decision. */
    approvalTtlSeconds: z.number().int().min(60).max(30 * 86_400).default(DEFAULT_APPROVAL_TTL_SECONDS),
    slack: SlackConfigSchema.optional(),
    remediations: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .strict();

/** One remediation's entry once validated: its mode override and its parsed options. */
export const RemediationEntrySchema = z.object({ mode: ModeSchema.optional(), options: z.unknown() });

/** The whole configuration, each remediation's entry checked against the catalog's own schemas. */
export function engineConfigSchema(catalog: readonly AnyRemediation[] = CATALOG) {
  return EngineConfigFileSchema.transform((file, ctx) => {
    const issue = (path: (string | number)[], message: string) => {
      ctx.addIssue({ code: 'custom', path: ['remediations', ...path], message });
      return z.NEVER;
    };
    for (const id of Object.keys(file.remediations)) {
      if (!catalog.some((r) => r.id === id)) return issue([id], 'unknown remediation (run "fixbridge list" for the ids)');
    }
    const remediations: Record<string, z.infer<typeof RemediationEntrySchema>> = {};
    for (const r of catalog) {
      const { mode, ...own } = file.remediations[r.id] ?? {};
      const parsedMode = ModeSchema.optional().safeParse(mode);
      if (!parsedMode.success) return issue([r.id, 'mode'], parsedMode.error.issues[0]?.message ?? 'invalid mode');
      const options = r.optionsSchema.safeParse(own);
      if (!options.success) {
        const first = options.error.issues[0];
        return issue([r.id, ...((first?.path ?? []) as (string | number)[])], first?.message ?? 'invalid');
      }
      remediations[r.id] = { mode: parsedMode.data, options: options.data };
    }
    return { ...file, remediations };
  });
}

/** What a config file may hold (the stage settings' `engine`, tests' hubs). */
export type EngineConfigInput = z.input<typeof EngineConfigFileSchema>;
export type EngineConfig = z.output<ReturnType<typeof engineConfigSchema>>;

/**
 * Validate a config object against the top-level schema and every remediation's own strict
 * schema. Throws `InputError` with a one-line message naming the offending path.
 */
export function parseConfig(raw: unknown, source = 'config', catalog: readonly AnyRemediation[] = CATALOG): EngineConfig {
  const parsed = engineConfigSchema(catalog).safeParse(raw);
  if (!parsed.success) throw new InputError(`${source}: ${firstIssue(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

export function defaultConfig(catalog: readonly AnyRemediation[] = CATALOG): EngineConfig {
  return parseConfig({}, 'default config', catalog);
}

export async function loadConfigFile(path: string, catalog: readonly AnyRemediation[] = CATALOG): Promise<EngineConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError(`config file ${path}: cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new InputError(`config file ${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  return parseConfig(raw, `config file ${path}`, catalog);
}

/** Effective mode: the command-line flag > the remediation's own mode > the top-level mode > dry-run. */
export function effectiveMode(config: EngineConfig, remediationId: string, override?: Mode): Mode {
  return override ?? config.remediations[remediationId]?.mode ?? config.mode ?? 'dry-run';
}

/** A remediation's parsed options (its defaults when the config has no entry for it). */
export function optionsOf<O>(config: EngineConfig, r: { id: string; optionsSchema: z.ZodType<O> }): O {
  const entry = config.remediations[r.id];
  return (entry ? entry.options : r.optionsSchema.parse({})) as O;
}
