"""Running what waits in the task queue, in the test's own process, as a worker would: each
task taken from the ORM broker, its function called with its arguments, then acknowledged (the
queue forgets it). Tests of a page that queues work check the queue, then run it with this; the
few tests of the workers themselves start `manage.py qcluster` (tests/contests/test_close_worker.py)."""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string
from django_q.brokers import get_broker
from django_q.signing import SignedPackage


def queued_tasks() -> list[dict[str, Any]]:
    """The tasks waiting, unpacked (func, args, kwargs, …), without taking them."""
    from django_q.models import OrmQ

    return [SignedPackage.loads(row.payload) for row in OrmQ.objects.order_by("id")]


def run_queued_tasks() -> list[Any]:
    """Run every waiting task (and any it queues) in order; returns their results."""
    broker = get_broker()
    results = []
    while broker.queue_size():
        for ack_id, payload in broker.dequeue() or []:
            task = SignedPackage.loads(payload)
            func = import_string(task["func"]) if isinstance(task["func"], str) else task["func"]
            results.append(func(*task.get("args", ()), **task.get("kwargs", {})))
            broker.acknowledge(ack_id)
    return results
