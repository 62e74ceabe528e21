"""Briefing Desk settings: one module, production differs only by environment variables."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
    "taggit",
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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF, auth and messages: an anonymous reader's cached page skips them.
    "briefings.site.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
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
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Briefing Desk <desk@briefings.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

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
CELERY_BEAT_SCHEDULE["digests-purge-pending"] = {
    "task": "digests.purge_pending",
    "schedule": 3600.0,
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

TAGGIT_CASE_INSENSITIVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The publication sweep runs every 2 s: log what it publishes, not each empty run.
        "celery.app.trace": {"level": env("CELERY_TASK_LOG_LEVEL", "WARNING")},
        "celery.worker.strategy": {"level": env("CELERY_TASK_LOG_LEVEL", "WARNING")},
        "celery.beat": {"level": env("CELERY_TASK_LOG_LEVEL", "WARNING")},
    },
}
