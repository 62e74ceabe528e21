import time
from urllib.parse import urlsplit


def path_of(url):
    """The path and query of an absolute link found in an email, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def wait_until(condition, timeout=20, interval=0.05):
    """Poll a condition with a deadline; return its last truthy value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")
