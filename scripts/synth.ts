/**
 * `npm run synth [-- [--bundle] <stage>...]`: write the CloudFormation template of every stack of
 * the given stages (default: dev and dev-member) to synth/<stack>.template.json. Offline, no
 * credentials. --bundle also bundles the functions as `sst deploy` does (a few seconds more).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, SYNTH_STAGES, synthStage } from '../stacks/synth';

const args = process.argv.slice(2);
const bundle = args.includes('--bundle');
const named = args.filter((a) => a !== '--bundle');
const stages = named.length ? named : SYNTH_STAGES;
const out = join(ROOT, 'synth');
await mkdir(out, { recursive: true });
for (const stage of stages) {
  for (const s of await synthStage(stage, { bundle })) {
    const file = join(out, `${s.stackName}.template.json`);
    const json = s.template.toJSON();
    await writeFile(file, JSON.stringify(json, null, 2) + '\n');
    console.log(`${file.slice(ROOT.length + 1)}  (${Object.keys(json.Resources ?? {}).length} resources)`);
  }
}
