#!/usr/bin/env bash
# The demo (npm run demo): start the local AWS API emulator, seed misconfigured queues, and run
# fixbridge on sample events in dry-run, then auto, showing the queues before and after; then a plan
# in approval mode, approved from the CLI.
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
bold "== Seeding misconfigured queues, a topic and a broker"
npx tsx scripts/demo/seed.ts seed "$DIR"

bold "== The resources before"
npx tsx scripts/demo/seed.ts show orders payments.fifo legacy-batch

step npx fixbridge list

bold "== 1. A developer creates 'orders': fixbridge plans (dry-run is the default; nothing changes)"
step npx fixbridge handle --event "$DIR/orders-created.json" --config "$DIR/config.json"

bold "== 2. The same event in auto mode: fixbridge applies, then reads back and verifies"
step npx fixbridge handle --event "$DIR/orders-created.json" --config "$DIR/config.json" --mode auto

bold "== 3. 'payments.fifo' is fed by EventBridge, which the key policy does not allow: encryption is BLOCKED, not broken"
step npx fixbridge handle --event "$DIR/payments.fifo-created.json" --config "$DIR/config.json" --mode auto

bold "== 4. 'legacy-batch' carries fixbridge:exempt=true: skipped"
step npx fixbridge handle --event "$DIR/legacy-batch-created.json" --config "$DIR/config.json" --mode auto

bold "== 5. A Security Hub SQS.3 finding for 'orders' now finds it compliant: no write"
step npx fixbridge handle --event "$DIR/orders-finding-sqs3.json" --config "$DIR/config.json" --mode auto --json

bold "== 6. An SNS topic: TLS and HTTP-subscription denies added, public statement scoped; encryption BLOCKED (the key does not let EventBridge publish)"
step npx fixbridge handle --event "$DIR/alerts-created.json" --config "$DIR/config.json" --mode auto

bold "== 7. An Amazon MQ broker: logs and minor upgrades fixed (logs pending until reboot); immutable settings reported, never attempted"
step npx fixbridge handle --event "$DIR/orders-broker-created.json" --config "$DIR/config.json" --mode auto

bold "== 8. Bad input is one clear line and exit code 2"
step npx fixbridge run sqs-require-tls --resource arn:aws:sqs:us-east-1:12345:orders

# ---- Approvals: one self-contained step (its own queue and approvals directory) --------------
approvals_step() {
  export FIXBRIDGE_APPROVALS_DIR="$DIR/approvals"
  local arn=arn:aws:sqs:us-east-1:123456789012:invoices id
  node --input-type=module -e "import { SQSClient, CreateQueueCommand } from '@aws-sdk/client-sqs'; await new SQSClient({}).send(new CreateQueueCommand({ QueueName: 'invoices' }));"
  bold "== 9. Approval mode: the plan for the new queue 'invoices' is filed for a person, nothing is written"
  step npx fixbridge run sqs-require-tls --resource "$arn" --mode approval
  step npx fixbridge approvals
  id=$(npx fixbridge approvals --json | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).approvals[0].id))')
  step npx fixbridge approvals show "$id"
  bold "== 10. A person approves it from the CLI: fixbridge re-reads the queue, applies exactly that plan once and verifies it; approving again writes nothing"
  step npx fixbridge approve "$id"
  step npx fixbridge approve "$id"
  step npx fixbridge approvals --all
}
approvals_step

bold "== The resources after"
npx tsx scripts/demo/seed.ts show orders payments.fifo legacy-batch
bold "Done. The emulator is stopped on exit; nothing outside 127.0.0.1 was touched."
