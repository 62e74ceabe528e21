# Varnish in front of the public site: pages cached as the site's own page cache would be,
# purged by the same tags (Surrogate-Key -> xkey, from varnish-modules).
#
#   varnishd -a 127.0.0.1:6081 -f config/varnish.vcl   (backend below: gunicorn on :8000)
#   VARNISH_PURGE_URL=http://127.0.0.1:6081/   (the site sends PURGE with `xkey-purge: tags`)
#
# The tests start Varnish with this file, the backend port replaced by their server's.
vcl 4.1;

import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the site's workers, on this host or the private network.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Tracking parameters never split the cache (as briefings.site.cache.page_key).
    if (req.url ~ "[?&](utm_[a-z_]*|fbclid|gclid|mc_cid|mc_eid)=") {
        set req.url = regsuball(req.url, "(utm_[a-z_]*|fbclid|gclid|mc_cid|mc_eid)=[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]$", "");
    }
    # A session or flash messages make a reader's page their own; other cookies do not.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=[^;]") {
        return (pass);
    }
    # A bare reading path redirects by the reader's chosen language: never cached, and the
    # language cookie must reach the backend.
    if (req.url !~ "^/(en|fr)(/|$)" && req.http.Cookie ~ "(^|;\s*)django_language=") {
        return (pass);
    }
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Only what the site marks shareable (s-maxage) is kept, for as long as it says: errors,
    # previews and private pages are not, so a 404 before a scheduled time never outlives it.
    if (beresp.http.Cache-Control !~ "s-maxage=" || beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
