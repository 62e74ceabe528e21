"""Fixed-window counters in the shared cache, so every web process sees the same count."""

import ipaddress

from django.core.cache import cache

from briefings.http import client_ip


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


def client_key(request):
    """The client's bucket: its address, or its /64 for IPv6 (one host holds a whole /64)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return address
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def allow_client(scope, request, limit, window):
    """`allow` keyed on the client's address as the trusted proxies report it."""
    return allow(scope, client_key(request), limit, window)
