"""Request-level plumbing under every app: the client's address, the request id, headers.

The middleware here sits outside the page cache (see MIDDLEWARE), so a cached page gets the
same headers and a fresh request id as a rendered one.
"""

import ipaddress
import re
import uuid

from django.conf import settings
from django.core.signals import request_finished

from briefings.logs import client_var, request_id_var

# What an incoming X-Request-ID may look like to be kept: a proxy's or a client's UUID, hex or
# similar token. Anything else (too long, spaces, control characters) is replaced by our own.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")


def _address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address of the client that sent this request, as far as the trusted proxies say.

    Each of `TRUSTED_PROXIES` proxies in front of us appends the address it received the
    request from to X-Forwarded-For, so the client is the entry that many places from the right.
    Entries further left were written by the client and prove nothing: a forged list cannot
    move anyone into another's rate-limit bucket. With no proxies (or a header shorter than the
    proxies should have written, i.e. a request that bypassed them) it is REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(hops) >= proxies:
            forwarded = _address(hops[-proxies])
            if forwarded:
                return forwarded
    return _address(remote) or "unknown"


def known_client_ip(request):
    """client_ip(), or None where there is no address (a request built in code, not received):
    for records kept in an address column, such as django-axes' login records."""
    address = client_ip(request)
    return None if address == "unknown" else address


class RequestIdMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when well-formed) for the logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        # Kept until the response is closed (request_finished): Django logs 4xx and 5xx
        # responses after the middleware has returned.
        request_id_var.set(request.request_id)
        client_var.set(client_ip(request))
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def forget_request(**kwargs):
    request_id_var.set("")
    client_var.set("")


request_finished.connect(forget_request, dispatch_uid="briefings-http-forget-request")


class PermissionsPolicyMiddleware:
    """Sends `PERMISSIONS_POLICY`: the browser features no page of ours uses are switched off."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
