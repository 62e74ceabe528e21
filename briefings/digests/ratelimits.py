"""Fixed-window counters in the shared cache, so every web process sees the same count."""

from django.core.cache import cache


def allow(scope, key, limit, window):
    """Count one more attempt; False once `limit` attempts were made within `window` seconds."""
    name = f"digests:rate:{scope}:{key}"
    cache.add(name, 0, timeout=window)
    try:
        count = cache.incr(name)
    except ValueError:
        cache.set(name, 1, timeout=window)
        count = 1
    return count <= limit
