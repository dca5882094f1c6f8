/** `fixbridge list`: the catalog, with controls, risk and the exact IAM actions of each remediation. */
import { Command } from 'commander';
import { CATALOG, controlLabels, permissionsOf } from '@fixbridge/core';
import { formatCatalog } from '../format';
import type { Io } from '../io';
import { EXIT_CODES_READ, jsonOption, noColorOption, styleFor, type Done, type OutputOptions } from './shared';

export function listCommand(io: Io, done: Done): Command {
  return new Command('list')
    .summary('show the catalog')
    .description('Show the catalog: each remediation, its resource type, Security Hub and Qualys controls, risk, and the exact IAM actions it calls.')
    .usage('[options]')
    .addOption(jsonOption('{"remediations":[...]}'))
    .addOption(noColorOption())
    .addHelpText('after', `\n${EXIT_CODES_READ}`)
    .action((opts: OutputOptions) => {
      if (opts.json) {
        const remediations = CATALOG.map((r) => ({
          id: r.id,
          title: r.title,
          resourceType: r.kind.type,
          controls: controlLabels(r),
          securityHub: r.controls.securityHub,
          qualys: r.controls.qualys,
          seeds: r.controls.seeds,
          risk: r.risk,
          permissions: permissionsOf(r),
        }));
        io.stdout(JSON.stringify({ remediations }, null, 2) + '\n');
      } else io.stdout(formatCatalog(CATALOG, styleFor(io, opts)));
      done(0);
    });
}
