/**
 * The CLI's approval store: a directory, no server. One JSON file per approval (`<id>.json`,
 * written atomically: a temporary file renamed over it); leaving `pending` is the exclusive
 * creation of `<id>.decision` (`open(…, 'wx')`), which exactly one process can do, so two
 * `fixbridge approve` started at the same moment apply the plan once. The Slack message is its own
 * once-created file (`<id>.slack`), so posting never races with deciding over the record. Slots
 * (one pending approval per resource and remediation) are files in `pending/` naming the approval.
 *
 * Filing two plans of one resource at once from two processes is serialized by the CLI's
 * per-resource lock around engine runs; deciding does not depend on that lock.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { APPROVAL_ID_RE, parseApproval, type Approval, type Outcome } from './record';
import { departed, slotOf, slotVerdict, supersededBy, type ApprovalStore, type Departure, type Filed } from './store';

/** `FIXBRIDGE_APPROVALS_DIR`, else `$XDG_STATE_HOME/fixbridge/approvals`, else `~/.local/state/fixbridge/approvals`. */
export function defaultApprovalsDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.FIXBRIDGE_APPROVALS_DIR) return env.FIXBRIDGE_APPROVALS_DIR;
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'fixbridge', 'approvals');
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** Write a whole file or nothing: readers see the old content or the new, never a part. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

/** Create `path` with `text` unless it exists; true when this call created it. */
async function createOnce(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (err) {
    if (code(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

export class LocalApprovalStore implements ApprovalStore {
  readonly where: string;

  constructor(readonly dir: string) {
    this.where = `directory ${dir}`;
  }

  private record(id: string) {
    return join(this.dir, `${id}.json`);
  }
  private decisionFile(id: string) {
    return join(this.dir, `${id}.decision`);
  }
  private slackFile(id: string) {
    return join(this.dir, `${id}.slack`);
  }
  private slotFile(slot: string) {
    return join(this.dir, 'pending', slot);
  }

  async file(candidate: Approval, now: Date): Promise<Filed> {
    await mkdir(join(this.dir, 'pending'), { recursive: true, mode: 0o700 });
    const slot = this.slotFile(slotOf(candidate));
    let replaced: Approval | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      // The record first: a slot never names an approval that is not there.
      await writeAtomic(this.record(candidate.id), JSON.stringify(candidate, null, 2));
      if (await createOnce(slot, candidate.id)) return { approval: candidate, created: true, replaced };
      await rm(this.record(candidate.id), { force: true });
      const holder = (await readText(slot))?.trim();
      if (!holder) continue; // released meanwhile
      const existing = APPROVAL_ID_RE.test(holder) ? await this.get(holder) : undefined;
      const verdict = slotVerdict(existing, candidate, now);
      if (verdict === 'reuse') return { approval: existing!, created: false, replaced };
      if (verdict === 'supersede' && (await this.leavePending(existing!.id, supersededBy(candidate, now)))) replaced = await this.get(existing!.id);
      // The holder is no longer pending (decided, expired, superseded) or gone: free its slot.
      if ((await readText(slot))?.trim() === holder) await rm(slot, { force: true });
    }
    throw new Error(`could not file approval ${candidate.id} in ${this.where}: its slot kept changing`);
  }

  async get(id: string): Promise<Approval | undefined> {
    if (!APPROVAL_ID_RE.test(id)) return undefined;
    const text = await readText(this.record(id));
    if (text === undefined) return undefined;
    let a = parseApproval(JSON.parse(text), `${this.record(id)}`);
    if (a.status === 'pending') {
      // Left pending, and the record is not rewritten yet (or the writer stopped): the decision file says how.
      const decision = await readText(this.decisionFile(id));
      if (decision !== undefined) a = decision ? departed(a, JSON.parse(decision) as Departure) : { ...a, status: 'approved' };
    }
    const slack = await readText(this.slackFile(id));
    if (slack) a = { ...a, slack: JSON.parse(slack) as Approval['slack'] };
    return a;
  }

  async list(): Promise<Approval[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (code(err) === 'ENOENT') return [];
      throw err;
    }
    const ids = names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length));
    const all = (await Promise.all(ids.map((id) => this.get(id)))).filter((a): a is Approval => a !== undefined);
    return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async leavePending(id: string, departure: Departure): Promise<boolean> {
    const a = await this.get(id);
    if (!a || a.status !== 'pending') return false;
    if (!(await createOnce(this.decisionFile(id), JSON.stringify(departure)))) return false;
    await writeAtomic(this.record(id), JSON.stringify(departed(a, departure), null, 2));
    const slot = this.slotFile(slotOf(a));
    if ((await readText(slot))?.trim() === id) await rm(slot, { force: true });
    return true;
  }

  async finish(id: string, status: 'applied' | 'failed' | 'superseded', outcome: Outcome): Promise<Approval> {
    const a = await this.get(id);
    if (!a) throw new Error(`approval ${id} vanished from ${this.where}`);
    const { slack: _slack, ...record } = { ...a, status, outcome };
    await writeAtomic(this.record(id), JSON.stringify(record, null, 2));
    return { ...a, status, outcome };
  }

  async setMessage(id: string, slack: { channel: string; ts: string }): Promise<void> {
    await createOnce(this.slackFile(id), JSON.stringify(slack));
  }
}
