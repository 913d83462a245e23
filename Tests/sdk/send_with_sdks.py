"""Sends events to a running Cairn with the official Segment and RudderStack Python SDKs,
set up as their users would set them up: only the host and the write key changed.

Usage: send_with_sdks.py HOST WRITE_KEY
Prints one JSON line: {"errors": [...]} and exits non-zero if an SDK reported an error.
"""

import json
import sys

from rudderstack.analytics.client import Client as RudderClient
from segment.analytics.client import Client as SegmentClient

host, write_key = sys.argv[1], sys.argv[2]
errors = []


def on_error(error, batch):
    errors.append(str(error))


segment = SegmentClient(write_key, host=host, on_error=on_error, gzip=True, max_retries=2)
segment.identify("seg-user", {"email": "seg@example.com", "plan": "pro"}, anonymous_id="seg-device")
segment.track("seg-user", "Signed Up", {"source": "python"})
segment.page("seg-user", "Docs", "Intro", {"url": "https://example.com/docs"})
segment.screen("seg-user", "App", "Home")
segment.group("seg-user", "acme", {"name": "Acme Inc", "employees": 42})
segment.alias("seg-old-id", "seg-user")
# The same message twice, as a client retrying after a lost answer would send it.
segment.track("seg-user", "Paid", {"amount": 10}, message_id="pay-0001")
segment.track("seg-user", "Paid", {"amount": 10}, message_id="pay-0001")
segment.shutdown()

rudder = RudderClient(write_key, host=host, on_error=on_error, max_retries=2)
rudder.identify("rs-user", {"email": "rs@example.com"})
rudder.page("rs-user", "Shop", "Basket")
for index in range(250):
    rudder.track("rs-user", "Viewed Product", {"index": index})
rudder.flush()
rudder.join()

print(json.dumps({"errors": errors}))
sys.exit(1 if errors else 0)
