"""Schemathesis hooks for collector/scripts/fuzz-api.sh.

An event's `at` may be at most a day ahead of the collector's clock (SPEC 7.2). That rule
depends on the time, so no JSON Schema can state it: generated events dated later are dropped
here instead of being counted as valid data the collector refused."""
from datetime import datetime, timedelta, timezone

import schemathesis


def _too_far_ahead(event):
    if not isinstance(event, dict) or not isinstance(event.get("at"), str):
        return False
    try:
        at = datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
    except ValueError:
        return False
    if at.tzinfo is None:
        return False
    return at - datetime.now(timezone.utc) > timedelta(days=1)


@schemathesis.hook
def filter_body(context, body):
    events = body if isinstance(body, list) else [body]
    return not any(_too_far_ahead(event) for event in events)
