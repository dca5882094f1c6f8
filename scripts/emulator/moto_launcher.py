#!/usr/bin/env python3
"""Run the moto AWS API emulator, with fixbridge's compatibility patches.

Usage: moto_launcher.py -H 127.0.0.1 -p PORT [other moto_server options]

The arguments are moto_server's own (they are passed through to
``moto.server.main``); -H/--host and -p/--port are the ones start.sh uses.

Patches applied before the server starts:

* Amazon MQ ``created`` timestamps.  moto 5.1.x stores ``created`` on brokers,
  configurations and configuration revisions as epoch seconds (a float) and
  returns that number as-is in DescribeBroker, ListBrokers (brokerSummaries),
  DescribeConfiguration, etc.  The MQ REST-JSON model says these members are
  ISO-8601 strings, and the AWS SDK for JavaScript v3 refuses to deserialise a
  number there.  We make moto's MQ model stamp an ISO-8601 string instead
  (``2024-01-01T00:00:00.000Z``).  moto >= 5.2 stores a datetime and
  serialises it from the botocore model as ISO-8601 already, so nothing is
  patched there.

* KMS GetKeyPolicy/PutKeyPolicy without ``PolicyName``.  AWS made PolicyName
  optional (it defaults to ``default``) and the AWS SDK for JavaScript v3 omits
  it when the caller does; moto 5.1/5.2 answer NotFoundException "No such
  policy exists" unless it is exactly ``default``.  We accept a missing
  PolicyName as ``default``.

* SQS SetQueueAttributes without ``Policy``.  moto's ``Queue._set_attributes``
  ends with ``self.policy = attributes.get("Policy")``, so setting any other
  attribute (RedrivePolicy, SqsManagedSseEnabled, ...) silently deletes the
  queue policy.  AWS changes only the attributes named in the request.  We keep
  the policy unless the request names it.

* SQS ListQueues pages.  moto returns at most 1,000 queue URLs and never a
  ``NextToken``, so a client following the paginator sees only the first
  1,000 queues.  SQS pages the way its API reference says: ``MaxResults``
  (1-1000) sets the page size, and the response carries a ``NextToken`` when
  more queues follow; without ``MaxResults`` at most 1,000 URLs and no token.
  We page in queue-name order (the token names the last queue of the page),
  and answer ``InvalidParameterValue`` for a MaxResults outside 1-1000 or a
  token we did not issue.

* DynamoDB conditional writes.  moto's server answers requests on many threads
  and its DynamoDB backend takes no lock, so two conditional writes of one item
  sent at the same moment can both see the condition hold and both succeed.
  DynamoDB applies the writes of one item one at a time: of two updates
  conditioned on ``status = pending`` exactly one succeeds.  We serialize the
  backend's writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
  TransactWriteItems) with one lock.

And one patch for speed, not behaviour:

* EventBridge PutEvents.  moto renders each event for each matching rule's
  target through ``jsonpath_ng.ext.parse``, which builds its LALR parser tables
  afresh on every call: about a second per event on our build machines. The
  paths are the same few every time, so we memoize ``parse`` (the parsed paths
  are not changed by ``find``).

Works with moto 5.1.1 (Debian's python3-moto) and moto 5.2.x (pip).
"""

from __future__ import annotations

import datetime
import sys


def iso8601_now() -> str:
    """UTC now as ISO-8601 with millisecond precision, e.g. 2024-01-01T00:00:00.000Z."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def patch_mq_created() -> str:
    """Make moto's MQ ``created`` fields ISO-8601 strings. Returns what was done."""
    import moto.mq.models as mq_models

    if hasattr(mq_models, "unix_time"):
        # moto 5.1.x: Broker/Configuration/ConfigurationRevision do
        # ``self.created = unix_time()`` and their to_json()/summary() return
        # it unchanged, so stamping a string at creation fixes every response.
        mq_models.unix_time = iso8601_now  # type: ignore[attr-defined]
        return "mq: created -> ISO-8601 (patched moto.mq.models.unix_time)"
    if hasattr(mq_models, "utcnow"):
        # moto >= 5.2: created is a datetime, serialised via the botocore
        # model's timestampFormat=iso8601. Already what the SDKs expect.
        return "mq: created already ISO-8601 in this moto version (no patch)"
    raise RuntimeError(
        "moto.mq.models has neither unix_time nor utcnow; "
        "update scripts/emulator/moto_launcher.py for this moto version"
    )


def patch_kms_default_policy_name() -> str:
    """Treat a missing KMS PolicyName as "default", like AWS does."""
    import moto.kms.responses as kms_responses

    original = getattr(kms_responses, "_assert_default_policy", None)
    if original is None:
        return "kms: no _assert_default_policy in this moto version (no patch)"

    def assert_default_policy(policy_name: str | None) -> None:
        original("default" if policy_name is None else policy_name)

    kms_responses._assert_default_policy = assert_default_policy  # type: ignore[attr-defined]
    return "kms: missing PolicyName -> default"


def patch_sqs_keep_policy() -> str:
    from moto.sqs import models as sqs_models

    queue_cls = sqs_models.Queue
    original = getattr(queue_cls, "_set_attributes", None)
    if original is None:
        return "sqs: no Queue._set_attributes in this moto version (no patch)"

    def set_attributes(self, attributes, *args, **kwargs):  # type: ignore[no-untyped-def]
        kept = getattr(self, "policy", None)
        original(self, attributes, *args, **kwargs)
        if "Policy" not in attributes:
            self.policy = kept

    queue_cls._set_attributes = set_attributes  # type: ignore[method-assign]
    return "sqs: SetQueueAttributes keeps Policy unless named"


def patch_sqs_list_queues_pages() -> str:
    """Page SQS ListQueues with MaxResults/NextToken, as SQS does."""
    import base64
    import binascii
    import json
    import threading

    from moto.sqs import exceptions as sqs_exceptions
    from moto.sqs import models as sqs_models
    from moto.sqs import responses as sqs_responses

    backend_cls = getattr(sqs_models, "SQSBackend", None)
    response_cls = getattr(sqs_responses, "SQSResponse", None)
    original_backend = getattr(backend_cls, "list_queues", None)
    original_response = getattr(response_cls, "list_queues", None)
    invalid = getattr(sqs_exceptions, "InvalidParameterValue", None)
    if original_backend is None or original_response is None or invalid is None:
        return "sqs: no SQSBackend/SQSResponse.list_queues in this moto version (no paging patch)"

    # The page the current request asked for (each request runs in its own server thread): set by
    # the response method, used by the backend method it calls, which raises any error inside the
    # response method's own error handling (moto 5.1 renders errors per protocol there).
    local = threading.local()

    def encode(name: str) -> str:
        return base64.urlsafe_b64encode(json.dumps({"after": name}).encode()).decode()

    def decode(token: str) -> str:
        try:
            after = json.loads(base64.urlsafe_b64decode(token.encode()).decode())["after"]
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise invalid("Invalid NextToken value.") from None
        if not isinstance(after, str):
            raise invalid("Invalid NextToken value.")
        return after

    def backend_list_queues(self, queue_name_prefix, *args, **kwargs):  # type: ignore[no-untyped-def]
        request = getattr(local, "request", None)
        if request is None:
            return original_backend(self, queue_name_prefix, *args, **kwargs)
        max_results, token = request
        limit = 1000
        if max_results is not None:
            try:
                limit = int(max_results)
            except (TypeError, ValueError):
                limit = 0
            if not 1 <= limit <= 1000:
                raise invalid(
                    f"Value {max_results} for parameter MaxResults is invalid. "
                    "Reason: MaxResults must be an integer between 1 and 1000."
                )
        after = decode(token) if token else None
        names = sorted(n for n in list(self.queues) if n.startswith(queue_name_prefix or ""))
        if after is not None:
            names = [n for n in names if n > after]
        page = names[:limit]
        # Like SQS: a token only when MaxResults was set and more queues follow.
        local.next_token = encode(page[-1]) if max_results is not None and len(names) > limit else None
        return [self.queues[n] for n in page if n in self.queues]

    def with_next_token(out, token):  # type: ignore[no-untyped-def]
        if token is None:
            return out
        result = getattr(out, "result", None)
        if isinstance(result, dict):  # moto >= 5.2: ActionResult, serialised from the botocore model
            result["NextToken"] = token
            return out
        if isinstance(out, str) and out.lstrip().startswith("{"):  # moto 5.1, JSON protocol
            body = json.loads(out)
            body["NextToken"] = token
            return json.dumps(body)
        if isinstance(out, str) and "</ListQueuesResult>" in out:  # moto 5.1, query protocol
            return out.replace("</ListQueuesResult>", f"<NextToken>{token}</NextToken></ListQueuesResult>", 1)
        raise RuntimeError(
            f"moto_launcher: cannot add NextToken to a ListQueues answer of type {type(out).__name__}; "
            "update scripts/emulator/moto_launcher.py for this moto version"
        )

    def response_list_queues(self):  # type: ignore[no-untyped-def]
        max_results = self._get_param("MaxResults")
        token = self._get_param("NextToken")
        if max_results is None and not token:
            return original_response(self)
        local.request = (max_results, token)
        local.next_token = None
        try:
            out = original_response(self)
            next_token = local.next_token
        finally:
            local.request = None
            local.next_token = None
        return with_next_token(out, next_token)

    backend_cls.list_queues = backend_list_queues  # type: ignore[method-assign]
    response_cls.list_queues = response_list_queues  # type: ignore[method-assign]
    return "sqs: ListQueues pages with MaxResults/NextToken"


def patch_dynamodb_atomic_writes() -> str:
    """Serialize DynamoDB writes, so a condition and its write are one step, as in DynamoDB."""
    import functools
    import threading

    from moto.dynamodb import models as dynamodb_models

    backend_cls = getattr(dynamodb_models, "DynamoDBBackend", None)
    names = ["put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"]
    if backend_cls is None or not all(hasattr(backend_cls, n) for n in names):
        return "dynamodb: no DynamoDBBackend write methods in this moto version (no lock)"
    lock = threading.RLock()

    def locked(original):  # type: ignore[no-untyped-def]
        @functools.wraps(original)
        def write(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            with lock:
                return original(self, *args, **kwargs)

        return write

    for name in names:
        setattr(backend_cls, name, locked(getattr(backend_cls, name)))
    return "dynamodb: conditional writes atomic (one lock)"


def patch_jsonpath_cache() -> str:
    """Memoize jsonpath_ng.ext.parse (moto's EventBridge calls it per event and rule)."""
    import functools

    try:
        import jsonpath_ng.ext as jsonpath_ext
    except ImportError:
        return "events: no jsonpath_ng (no patch)"
    jsonpath_ext.parse = functools.lru_cache(maxsize=256)(jsonpath_ext.parse)  # type: ignore[assignment]
    return "events: jsonpath parse memoized"


def main(argv: list[str]) -> None:
    import moto
    import moto.server

    notes = [
        patch_mq_created(),
        patch_kms_default_policy_name(),
        patch_sqs_keep_policy(),
        patch_sqs_list_queues_pages(),
        patch_dynamodb_atomic_writes(),
        patch_jsonpath_cache(),
    ]
    print(
        f"moto_launcher: moto {moto.__version__} on Python "
        f"{sys.version.split()[0]} ({sys.executable}); " + "; ".join(notes),
        file=sys.stderr,
        flush=True,
    )
    # moto.server.main parses -H/-p/... itself and runs werkzeug's
    # threaded server until SIGINT/SIGTERM.
    moto.server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
