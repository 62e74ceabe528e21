"""Briefing Desk settings: one module, production differs only by environment variables."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "briefings.adminsite.DeskAdminConfig",  # django.contrib.admin, with its input guard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "taggit",
    "modeltrans",
    "anymail",
    "ninja",  # the API's docs: Swagger UI from its bundled static files, not a CDN
    "briefings.images",
    "briefings.actors",
    "briefings.agreements",
    "briefings.events",
    "briefings.newsroom",
    "briefings.digests",
    "briefings.site",
    "briefings.demo",
]

MIDDLEWARE = [
    # Outside the page cache, so cached pages get a request id and the security headers too.
    "briefings.http.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "briefings.http.PermissionsPolicyMiddleware",
    # /healthz and /readyz, before the page cache (which needs Redis) and any host check.
    "briefings.ops.HealthMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF, auth and messages: an anonymous reader's cached page skips them.
    "briefings.site.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions (a chosen language), before CommonMiddleware (its slash redirects).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "briefings.staff.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/briefings"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "briefings.site.cache.PooledRedisCache",
        "LOCATION": env("CACHE_URL", "redis://127.0.0.1:6379/1"),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "briefings"),
        "TIMEOUT": 300,
    }
}
# How long a rendered fragment (a card, an article, an actor's offices) is kept: its key moves
# with the versions of what it shows (briefings.site.fragments), so this only bounds memory.
FRAGMENT_CACHE_SECONDS = int(env("FRAGMENT_CACHE_SECONDS", str(24 * 3600)))
# What purges cached public pages by tag after a change (briefings.site.purge): the page cache,
# and Varnish when VARNISH_PURGE_URL names it (e.g. http://127.0.0.1:6081/).
SITE_PURGE_BACKENDS = [{"BACKEND": "briefings.site.purge.RedisPurger"}]
if env("VARNISH_PURGE_URL", ""):
    SITE_PURGE_BACKENDS.append(
        {
            "BACKEND": "briefings.site.purge.VarnishPurger",
            "OPTIONS": {"url": env("VARNISH_PURGE_URL", "")},
        }
    )

# Axes first: it refuses a locked-out username before any password is checked. It needs the
# request, which Django's login forms pass; tests log in with force_login.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The desk publishes in English and French: public pages live under /en/ and /fr/.
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "briefings" / "locale"]
# Reference data (actors, agreements, events) keeps its French in an i18n JSON field; an empty
# French value falls back to the English.
MODELTRANS_AVAILABLE_LANGUAGES = ("en", "fr")
MODELTRANS_FALLBACK = {"default": ("en",)}
MODELTRANS_ADD_FIELD_HELP_TEXT = False
# British English dates ("9 March 2017"), French numbers with a narrow no-break space.
FORMAT_MODULE_PATH = "briefings.formats"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# The desk's own clock: publication times are entered and shown in this zone, stored in UTC.
DESK_TIME_ZONE = env("DESK_TIME_ZONE", "Europe/Brussels")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development and tests WhiteNoise serves straight from the app and project static
# directories (no collectstatic, no "No directory at staticfiles" warning); in production it
# serves the hashed, compressed files collectstatic wrote to STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded images and their renditions go through Django's storage API ("default" below):
# the filesystem under MEDIA_ROOT here, an S3-compatible bucket through django-storages at
# scale (README). Readers reach renditions only through /images/…, which checks the image is
# public; never serve MEDIA_ROOT itself.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
IMAGE_MAX_UPLOAD_BYTES = int(env("IMAGE_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(env("IMAGE_MAX_PIXELS", str(40_000_000)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The dossier dump's bundles (/data/dossier.zip): shared by the web and worker processes.
    "dossier": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("DOSSIER_DUMP_ROOT", str(BASE_DIR / "var" / "dossier"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email goes over SMTP; in development `make run` starts a local mailbox on port 1025.
MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env("EMAIL_HOST", "127.0.0.1"),
            "port": int(env("EMAIL_PORT", "1025")),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "timeout": int(env("EMAIL_TIMEOUT", "30")),
        },
    }
}
# An email provider (EMAIL_PROVIDER=mailgun|mailersend), through django-anymail: transactional
# email (confirmations, tests) goes through its HTTP API; digests and alerts keep their own
# pipelined SMTP transport, pointed at the provider's SMTP relay by the same EMAIL_HOST… settings
# (MAILERS["digests"]). Either way the provider's signed webhooks report bounces, complaints and
# unsubscribes at /email/webhooks/<provider>/tracking/ (briefings.digests.feedback).
EMAIL_PROVIDER = env("EMAIL_PROVIDER", "").strip().lower()
EMAIL_PROVIDERS = {
    "mailgun": ["API_KEY", "SENDER_DOMAIN", "API_URL", "WEBHOOK_SIGNING_KEY"],
    "mailersend": ["API_TOKEN", "API_URL", "SIGNING_SECRET"],
}
if EMAIL_PROVIDER and EMAIL_PROVIDER not in EMAIL_PROVIDERS:
    raise ImproperlyConfigured(f"EMAIL_PROVIDER must be one of {', '.join(EMAIL_PROVIDERS)}.")
ANYMAIL = {
    f"{provider}_{name}".upper(): env(f"ANYMAIL_{provider}_{name}".upper())
    for provider, names in EMAIL_PROVIDERS.items()
    for name in names
    if env(f"ANYMAIL_{provider}_{name}".upper())
}
# DIGEST_SEND_VIA=api sends digests and alerts through the provider's API too (one request
# a message); the default, smtp, keeps them on the relay.
DIGEST_SEND_VIA = env("DIGEST_SEND_VIA", "smtp")
if EMAIL_PROVIDER:
    smtp_mailer = MAILERS["default"]
    MAILERS["default"] = {"BACKEND": f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"}
    MAILERS["digests"] = MAILERS["default"] if DIGEST_SEND_VIA == "api" else smtp_mailer
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Briefing Desk <desk@briefings.example>")
# Error reports: ADMINS="Ops <ops@example.org>, oncall@example.org" (a name is optional).
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = env_list("DJANGO_ADMINS")

# The public API (/api/v1/): requests a minute per client address; 0 turns the limit off.
API_RATE_LIMIT = int(env("API_RATE_LIMIT", "300"))

# Email digests. Times are desk-local (DESK_TIME_ZONE); the tick below starts editions when due.
DIGEST_DAILY_AT = env("DIGEST_DAILY_AT", "07:00")
DIGEST_WEEKLY_DAY = int(env("DIGEST_WEEKLY_DAY", "0"))  # 0 = Monday
DIGEST_CATCH_UP_HOURS = int(env("DIGEST_CATCH_UP_HOURS", "2"))
DIGEST_LIST_ID = env("DIGEST_LIST_ID", "Briefing Desk digest <digest.briefings.example>")
DIGEST_UNSUBSCRIBE_MAILTO = env("DIGEST_UNSUBSCRIBE_MAILTO", "unsubscribe@briefings.example")
DIGEST_CHUNK_SIZE = int(env("DIGEST_CHUNK_SIZE", "1000"))
DIGEST_CONFIRM_MAX_AGE = int(env("DIGEST_CONFIRM_MAX_AGE", str(60 * 60 * 48)))
DIGEST_MAX_LOOKBACK_DAYS = int(env("DIGEST_MAX_LOOKBACK_DAYS", "14"))
DIGEST_HARD_BOUNCE_LIMIT = int(env("DIGEST_HARD_BOUNCE_LIMIT", "3"))
# Soft bounces a provider reports (mailbox full, greylisted, …) before the address is suppressed.
DIGEST_SOFT_BOUNCE_LIMIT = int(env("DIGEST_SOFT_BOUNCE_LIMIT", "10"))
DIGEST_RETRY_BACKOFF = float(env("DIGEST_RETRY_BACKOFF", "30"))
# A sending worker renews its chunk's or alert batch's lease with every batch of marks; the
# resume task (beat, every 10 s) takes over work whose lease ran out: within 30 s of a death.
DIGEST_LEASE_SECONDS = int(env("DIGEST_LEASE_SECONDS", "20"))
# (requests, seconds): confirmation emails per address, subscribe attempts per client IP.
DIGEST_RATE_PER_ADDRESS = (3, 60 * 60)
DIGEST_RATE_PER_IP = (20, 60 * 60)
# Where `manage.py devmailbox` writes what it receives, for the DEBUG-only /subscribe/dev-mailbox/.
DEV_MAILBOX_DIR = env("DEV_MAILBOX_DIR", str(BASE_DIR / "var" / "mail"))

CELERY_BROKER_URL = env("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")  # benchmarks use their own
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publication task is enqueued only once its time is this close (seconds): at scheduling
# if it is near, else by the 2 s sweep as it comes within it. No broker message waits longer.
NEWSROOM_PUBLISH_HORIZON = 60
# Redis hands an unacknowledged message to another worker after this long. It must exceed the
# longest a healthy worker holds one (an ETA up to the horizon away, then a task's 60 s hard
# time limit) or live tasks are redelivered; short, so a dead worker's message comes back soon.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 5 * 60}
# A worker keeps reconnecting through a broker restart; tasks cut off by the lost connection
# are cancelled and redelivered rather than acknowledged half-done.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE = {}
# The safety net under per-briefing publication tasks: anything due and missed, every 2 s.
# A sweep not started within its period is dropped; the next one does the same work.
CELERY_BEAT_SCHEDULE["newsroom-publish-overdue"] = {
    "task": "briefings.newsroom.tasks.publish_overdue",
    "schedule": 2.0,
    "options": {"expires": 2.0},
}
# The outbox's sweep: side effects whose on-commit message was lost or whose receivers failed.
CELERY_BEAT_SCHEDULE["newsroom-dispatch-outbox"] = {
    "task": "briefings.newsroom.tasks.dispatch_outbox_due",
    "schedule": 2.0,
    "options": {"expires": 2.0},
}
CELERY_BEAT_SCHEDULE["digests-tick"] = {"task": "digests.tick", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["digests-resume"] = {
    "task": "digests.resume",
    "schedule": 10.0,
    "options": {"expires": 10.0},
}
CELERY_BEAT_SCHEDULE["digests-welcome-missed"] = {
    "task": "digests.welcome_missed",
    "schedule": 300.0,
    "options": {"expires": 300.0},
}
CELERY_BEAT_SCHEDULE["digests-purge-pending"] = {
    "task": "digests.purge_pending",
    "schedule": 3600.0,
}
# The dossier dump: rebuilt once a change is DOSSIER_DUMP_DEBOUNCE seconds old (the sweep),
# and hourly whatever happened (a bundle of unchanged data is not written again).
CELERY_BEAT_SCHEDULE["site-dossier-dump-sweep"] = {
    "task": "site.sweep_dossier_dump",
    "schedule": 10.0,
    "options": {"expires": 10.0},
}
CELERY_BEAT_SCHEDULE["site-dossier-dump"] = {
    "task": "site.regenerate_dossier_dump",
    "schedule": 3600.0,
    "options": {"expires": 600.0},
}
DOSSIER_DUMP_DEBOUNCE = float(env("DOSSIER_DUMP_DEBOUNCE", "60"))
DOSSIER_DUMP_KEEP = int(env("DOSSIER_DUMP_KEEP", "5"))
DOSSIER_DUMP_LICENCE = env(
    "DOSSIER_DUMP_LICENCE",
    "Open Data Commons Attribution License (ODC-By) v1.0: "
    "https://opendatacommons.org/licenses/by/1-0/ — credit “Briefing Desk”.",
)

# Staff accounts (briefings/staff). A second factor (TOTP, recovery codes) for every staff
# login: required for all staff in production, optional in development (a user who set one up
# is always asked for it). Sessions end with the browser, after idle minutes, and at the most
# after SESSION_COOKIE_AGE; publish-now, withdrawal and deleting a subscriber ask for the
# password or a code again unless one was given within STAFF_REAUTH_MINUTES.
STAFF_OTP_REQUIRED = env_bool("DJANGO_STAFF_OTP_REQUIRED", not DEBUG)
STAFF_IDLE_MINUTES = int(env("DJANGO_STAFF_IDLE_MINUTES", "30"))
STAFF_REAUTH_MINUTES = int(env("DJANGO_STAFF_REAUTH_MINUTES", "10"))
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Briefing Desk")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(env("DJANGO_SESSION_MAX_HOURS", "12")) * 60 * 60
# Login throttling (django-axes): a username is locked after this many failures, whatever
# address they come from, and so is an address that many failures come from (password
# spraying), for the cool-off; every login, good or bad, is recorded.
AXES_FAILURE_LIMIT = int(env("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("DJANGO_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "briefings.staff.views.locked_out"
# The same client address as the rate limits: behind a proxy, REMOTE_ADDR is the proxy.
AXES_CLIENT_IP_CALLABLE = "briefings.http.known_client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False  # registered by briefings.staff.admin, for superusers only
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Probes from the load balancer speak plain HTTP to the app.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$", r"^readyz/?$"]
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies (load balancer, Varnish, …) append to X-Forwarded-For in front of the app:
# the client's address is the entry that many from the right (briefings.http.client_ip).
TRUSTED_PROXIES = int(
    env("DJANGO_TRUSTED_PROXIES", "1" if env_bool("DJANGO_BEHIND_PROXY") else "0")
)
X_FRAME_OPTIONS = "DENY"
# One policy for every page, with no nonce, so cached pages stay valid for everyone: scripts
# and styles come from our own static files only. The JSON-LD block is a data block
# (type="application/ld+json"), which browsers never execute, so the policy does not apply.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

TAGGIT_CASE_INSENSITIVE = True

# JSON lines in production (LOG_FORMAT=json|text overrides), each with the request's id.
LOG_FORMAT = env("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "briefings.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "briefings.logs.JSONFormatter"},
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The publication sweep runs every 2 s: log what it publishes, not each empty run.
        "celery.app.trace": {"level": env("CELERY_TASK_LOG_LEVEL", "WARNING")},
        "celery.worker.strategy": {"level": env("CELERY_TASK_LOG_LEVEL", "WARNING")},
        "celery.beat": {"level": env("CELERY_TASK_LOG_LEVEL", "WARNING")},
    },
}
