"""/api/: the v1 operations, the OpenAPI 3 schema at /api/v1/openapi.json and interactive docs
at /api/docs (Swagger UI from django-ninja's bundled static files, no CDN)."""

from django.urls import path
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from briefings.site.api.http import api_endpoint
from briefings.site.api.views import router
from briefings.site.records import dumps


class EscapedJSONRenderer(JSONRenderer):
    """UTF-8 JSON with <, > and & escaped (errors, the schema): no name becomes markup."""

    def render(self, request, data, *, response_status):
        return dumps(data, indent=None)


api = NinjaAPI(
    title="Briefing Desk API",
    version="1",
    description=(
        "The desk's records as open data: actors, agreements with every party's dated actions "
        "and derived status (as of any date), events, and published briefings. Read-only; "
        "keyset pagination (`next`, `cursor`); ETags; CORS for GET; rate-limited per client. "
        "v1 never changes shape incompatibly."
    ),
    urls_namespace="api",
    openapi_url="/v1/openapi.json",
    docs_url="/docs",
    renderer=EscapedJSONRenderer(),
)
api.add_router("/v1/", router)

patterns, app_name, namespace = api.urls
urlpatterns = [
    path(str(pattern.pattern), api_endpoint(pattern.callback), name=pattern.name)
    for pattern in patterns
]
