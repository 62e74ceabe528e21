"""What every API response goes through: input guard, rate limit, cache, ETag, CORS.

`api_endpoint` wraps each of the API's URL patterns (urls.py), outside django-ninja:

- a control character anywhere in the query answers 400 before any work;
- each client (its address) may make `API_RATE_LIMIT` requests a minute; past that, 429 with
  Retry-After. Hits count too, so a client cannot hammer a cached URL;
- GET answers are cached in Redis beside the pages (briefings/site/cache.py), per language
  (answer_key), for a page's lifetime and tagged `any`, which every public change purges, so
  an API answer is never staler than a page and never shows a briefing before its publication
  time; the HTML page cache's middleware passes /api/ by without a lookup;
- every 200 carries a strong ETag of its body; If-None-Match answers 304;
- CORS: any origin may GET (the data is public, no cookies are read or set).

Bodies are written by `json_body()`, with orjson: a page of agreements took 5 ms to encode
with the standard library (DjangoJSONEncoder calls back into Python for every date), 0.1 ms
with orjson.
"""

import hashlib
import time
from functools import wraps

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import parse_etags
from django.utils.translation import get_language

from briefings import params
from briefings.http import client_ip
from briefings.site.cache import (
    ANY_CHANGE,
    CHANGES_AT_KEY,
    EVERY_PAGE,
    PURGES_KEY,
    PageCacheMiddleware,
    seconds_fresh,
)

WINDOW = 60
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining",
    "Access-Control-Max-Age": "86400",
}


# Every public change purges `any`: an answer may show any part of the record.
ANSWER_TAGS = {EVERY_PAGE, ANY_CHANGE}


# Dates and times as DjangoJSONEncoder writes them (a time to the millisecond, UTC as "Z"), as
# the API always has; Decimal, UUID and lazy strings too.
_encode = DjangoJSONEncoder().default


def json_fragment(data):
    """`data` as UTF-8 JSON bytes, to write into a body as an orjson.Fragment."""
    return orjson.dumps(data, default=_encode, option=orjson.OPT_PASSTHROUGH_DATETIME)


def json_body(data):
    """`data` as UTF-8 JSON bytes with <, > and & escaped (as records.escape_json does): a
    name never becomes markup in a page that shows an answer. Fragments in `data` are escaped
    here with the rest."""
    body = json_fragment(data)
    return body.replace(b"&", b"\\u0026").replace(b"<", b"\\u003C").replace(b">", b"\\u003E")


def rate_limited(request):
    """Seconds until this client may ask again, or 0; and how many requests it has left."""
    limit = settings.API_RATE_LIMIT
    if not limit:
        return 0, None
    window = int(time.time() // WINDOW)
    key = f"api:rate:{client_ip(request)}:{window}"
    cache.add(key, 0, WINDOW + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW + 1)
        used = 1
    if used > limit:
        return WINDOW - int(time.time()) % WINDOW or 1, 0
    return 0, limit - used


def error(status, detail, **headers):
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def with_cors(response):
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def not_modified(request, etag):
    wanted = request.headers.get("If-None-Match")
    return bool(wanted) and (wanted.strip() == "*" or etag in parse_etags(wanted))


def answer_key(request):
    """Per address and language: /api/ has no language prefix, and an answer's labels and
    links are in the reader's language (LocaleMiddleware's choice)."""
    address = f"{get_language()} {request.get_host()}{request.get_full_path()}"
    return f"api:answer:{hashlib.sha256(address.encode()).hexdigest()}"


def api_endpoint(view):
    """The wrapper described in the module docstring, around one ninja URL pattern's view."""

    @wraps(view)
    def endpoint(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return with_cors(HttpResponse(status=204))
        if request.method not in ("GET", "HEAD"):
            return with_cors(error(405, "The API is read-only.", Allow="GET, HEAD, OPTIONS"))
        if params.has_control_in(request.GET) or params.has_control(request.path):
            return with_cors(error(400, "Control characters are not allowed in a request."))
        retry_after, remaining = rate_limited(request)
        if retry_after:
            response = error(429, "Too many requests; slow down.", **{"Retry-After": retry_after})
            response["X-RateLimit-Limit"] = settings.API_RATE_LIMIT
            return with_cors(response)
        key = answer_key(request)
        found = cache.get_many([key, PURGES_KEY, CHANGES_AT_KEY])  # one round trip for all
        stored = found.get(key)
        if stored is not None:
            status, body, content_type, etag = stored
            response = HttpResponse(body, status=status, content_type=content_type)
            response["ETag"] = etag
        else:
            # Before the view reads: a due time passing while it runs must end the lifetime,
            # not be missed by a lifetime reckoned from after it.
            lifetime = seconds_fresh(timezone.now(), found.get(CHANGES_AT_KEY))
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                etag = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
                response["ETag"] = etag
                if lifetime >= 1:
                    record = (200, response.content, response["Content-Type"], etag)
                    PageCacheMiddleware.store(key, record, lifetime, ANSWER_TAGS, found)
        if response.status_code == 200:
            # Revalidated each time (ETag): a withdrawn briefing must not outlive its withdrawal.
            response["Cache-Control"] = "public, no-cache"
            response["Vary"] = "Accept-Encoding"
            if not_modified(request, response["ETag"]):
                etag = response["ETag"]
                response = HttpResponse(status=304)
                response["ETag"] = etag
        if remaining is not None:
            response["X-RateLimit-Limit"] = settings.API_RATE_LIMIT
            response["X-RateLimit-Remaining"] = remaining
        return with_cors(response)

    endpoint.csrf_exempt = True
    return endpoint
