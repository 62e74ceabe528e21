"""Helpers shared by tests across apps."""

import time


def wait_until(condition, timeout=20, interval=0.02, message="condition"):
    """Poll `condition` until it returns something truthy (returned), failing after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def run_outbox():
    """What the outbox's beat sweep does, in this process: perform every due entry."""
    from briefings.newsroom.models import Outbox

    return Outbox.objects.due().dispatch()
