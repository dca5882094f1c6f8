#!/usr/bin/env bash
# The demo (npm run demo): start the local AWS API emulator, seed misconfigured queues, a topic and a
# broker, and sweep the account: dry-run (progress, summary, a Markdown report), auto, and again
# until nothing is left to change; then a Security Hub event, bad input, and a plan in approval
# mode, approved from the CLI.
# Nothing here touches a real AWS account: every call goes to the emulator on 127.0.0.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT=${FIXBRIDGE_DEMO_PORT:-5055}
DIR=.cache/demo
bold() { if [ -t 1 ]; then printf '\n\033[1m%s\033[0m\n' "$*"; else printf '\n%s\n' "$*"; fi; }
step() { bold "\$ $*"; local rc=0; "$@" || rc=$?; [ "$rc" -eq 0 ] || echo "(exit code $rc)"; }

[ -d node_modules ] || npm ci --no-audit --no-fund

bold "== Starting the AWS API emulator (moto) on 127.0.0.1:$PORT"
endpoint=$(bash scripts/emulator/start.sh "$PORT")
trap 'bash scripts/emulator/stop.sh >/dev/null 2>&1 || true' EXIT
export AWS_ENDPOINT_URL="$endpoint" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN

rm -rf "$DIR"
npx tsx scripts/demo/seed.ts reset
bold "== Seeding an account: misconfigured queues, a topic and a broker"
npx tsx scripts/demo/seed.ts seed "$DIR"

bold "== The resources before"
npx tsx scripts/demo/seed.ts show orders payments.fifo legacy-batch

step npx fixbridge list

bold "== 1. Sweep the account in dry-run (the default): what would fixbridge change? Nothing is written."
echo "   'payments.fifo' is fed by EventBridge, which the key policy does not allow: its encryption is BLOCKED, not broken."
echo "   'legacy-batch' carries fixbridge:exempt=true: skipped. The broker's immutable settings are reported, never attempted."
step npx fixbridge sweep --config "$DIR/config.json" --report "$DIR/sweep-report.md"

bold "== The report, to attach to a ticket (first lines of $DIR/sweep-report.md)"
sed -n '1,60p' "$DIR/sweep-report.md"

bold "== 2. The same sweep in auto mode: fixbridge applies each plan, then reads back and verifies"
step npx fixbridge sweep --config "$DIR/config.json" --mode auto

bold "== 3. Sweep again: what was fixed is compliant; the dead-letter queues step 2 created are new resources and get their TLS deny now (the FIFO one its encryption too)"
step npx fixbridge sweep --config "$DIR/config.json" --mode auto

bold "== 4. And once more, dry-run: nothing left to change (blocked, not-remediable and exempt stay, by design)"
step npx fixbridge sweep --config "$DIR/config.json"

bold "== 5. Events take the same path: a Security Hub SQS.3 finding for 'orders' now finds it compliant, no write"
step npx fixbridge handle --event "$DIR/orders-finding-sqs3.json" --config "$DIR/config.json" --mode auto

bold "== 6. Bad input is one clear line and exit code 2"
step npx fixbridge sweep --regions us-east-1,mars-1

# ---- Approvals: one self-contained step (its own queue and approvals directory) --------------
approvals_step() {
  export FIXBRIDGE_APPROVALS_DIR="$DIR/approvals"
  local arn=arn:aws:sqs:us-east-1:123456789012:invoices id
  node --input-type=module -e "import { SQSClient, CreateQueueCommand } from '@aws-sdk/client-sqs'; await new SQSClient({}).send(new CreateQueueCommand({ QueueName: 'invoices' }));"
  bold "== 7. Approval mode: the plan for the new queue 'invoices' is filed for a person, nothing is written"
  step npx fixbridge run sqs-require-tls --resource "$arn" --mode approval
  step npx fixbridge approvals
  id=$(npx fixbridge approvals --json | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).approvals[0].id))')
  step npx fixbridge approvals show "$id"
  bold "== 8. A person approves it from the CLI: fixbridge re-reads the queue, applies exactly that plan once and verifies it; approving again writes nothing"
  step npx fixbridge approve "$id"
  step npx fixbridge approve "$id"
  step npx fixbridge approvals --all
}
approvals_step

bold "== The resources after"
npx tsx scripts/demo/seed.ts show orders payments.fifo legacy-batch
bold "Done. The emulator is stopped on exit; nothing outside 127.0.0.1 was touched."
