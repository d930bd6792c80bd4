"""Common Ground settings: one file, driven by the environment.

With no environment at all the app runs on embedded defaults: SQLite, the
in-memory channel layer and the console email backend. ``DATABASE_URL`` switches
to PostgreSQL, ``REDIS_URL`` to channels-redis. ``DJANGO_ENV=production`` turns
on every deployment protection and refuses the development fallbacks.
Every variable read here is listed in the README.
"""

import ipaddress
import re
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Strict: a value they do not understand is ImproperlyConfigured, never a default.
from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "development", choices={"development", "production"})
PRODUCTION = DJANGO_ENV == "production"

# DEVELOPMENT FALLBACK ONLY: production settings refuse to start with this key.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("Set SECRET_KEY (50+ random characters) in production.")

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    # Which sessions belong to whom (accounts/sessions.py): deletion and sign-out
    # everywhere end exactly one person's sessions without decoding them all.
    "allauth.usersessions",
    # A second step and passkeys, from allauth itself (docs/security.md); its
    # templates use humanize (naturaltime for "last used").
    "allauth.mfa",
    "django.contrib.humanize",
    "axes",
    # Django's Tasks API (the backport; Django 6 has it as django.tasks) and its
    # database backend: the queue lives in PostgreSQL (docs/decisions.md).
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "couples",
    "realtime",
]

MIDDLEWARE = [
    # /healthz/live and /healthz/ready, before host checks and every limit (config/health.py).
    "config.health.HealthEndpointsMiddleware",
    "config.middleware.RequestIdMiddleware",
    "config.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # django-csp's middleware with the constant policy built once (docs/decisions.md).
    "config.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (the language cookie, then Accept-Language); URLs stay unprefixed.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person's own time zone for the request (accounts/timezones.py).
    "accounts.timezones.TimeZoneMiddleware",
    # The signed-in person's own language over the browser's (accounts/languages.py).
    "accounts.languages.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An htmx answer carries the messages added while answering it (config/messages.py).
    "config.messages.HtmxMessagesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.PrivateNoStoreMiddleware",
    # A session's "last seen" for the sessions page, one write per five minutes at most.
    "accounts.sessions.LastSeenMiddleware",
    "axes.middleware.AxesMiddleware",
    "couples.http.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                # The words static/js/*.js say, in the page's language (config/i18n.py).
                "config.i18n.js_text",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Connections are pooled by psycopg rather than kept per thread: under ASGI
    # every sync_to_async call may land on another thread (CONN_MAX_AGE must be 0).
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
    if _db["ENGINE"] == "django.db.backends.postgresql":
        _db.setdefault("OPTIONS", {})
        if env_bool("DATABASE_POOL", default=True):
            # Size it from the process's threads (README, "Connection budget");
            # deploy/gunicorn.conf.py does so for each gunicorn worker.
            _pool = {
                "min_size": env_int("DATABASE_POOL_MIN", 2),
                "max_size": env_int("DATABASE_POOL_MAX", 10, minimum=1),
            }
            if _pool["min_size"] > _pool["max_size"]:
                raise ImproperlyConfigured("DATABASE_POOL_MIN must not exceed DATABASE_POOL_MAX.")
            _db["OPTIONS"]["pool"] = _pool
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        # Development's parallel saves (the dev server's threads): a transaction
        # takes SQLite's write lock when it begins and waits up to 20 s for it,
        # instead of failing with "database is locked" when two upgrade at once.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
_db["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_commonground")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels ---------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# Live frames carry rendered HTML (what partners share) through Redis: every
# layer message is encrypted (Fernet, via channels-redis) with these keys,
# newest first, separate from SECRET_KEY and FIELD_ENCRYPTION_KEYS. Private
# parts never travel as HTML at all (realtime/broadcast.py).
CHANNEL_LAYER_ENCRYPTION_KEYS = env_list("CHANNEL_LAYER_ENCRYPTION_KEYS")
if REDIS_URL and not CHANNEL_LAYER_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "Set CHANNEL_LAYER_ENCRYPTION_KEYS (comma-separated secrets, newest first) "
            "in production: live frames through Redis are encrypted with them."
        )
    from config.devkeys import dev_secret

    CHANNEL_LAYER_ENCRYPTION_KEYS = [dev_secret("dev-channel-layer.key")]
# Longer than channels-redis's blocking pop (5 s): see CHANNEL_LAYERS.
REDIS_SOCKET_TIMEOUT = 15
# Live sockets one person may hold (devices and tabs), across every process; a
# new one takes the place of the oldest (realtime/devices.py).
REALTIME_SOCKETS_PER_PERSON = env_int("REALTIME_SOCKETS_PER_PERSON", 8)
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis's layer, keeping nothing for a closed socket's
            # channel (realtime/layer.py: django/channels_redis#384).
            "BACKEND": "realtime.layer.RedisChannelLayer",
            "CONFIG": {
                # redis-py's asyncio pool refuses (MaxConnectionsError) past its
                # limit instead of waiting; 100 by default is too few for a process
                # holding hundreds of sockets (joins and heartbeats come in bursts).
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": env_int("REDIS_MAX_CONNECTIONS", 1000),
                        # redis-py 8 reads with a 5 s timeout by default, and a
                        # socket's receive is a BZPOPMIN that the server ends after
                        # 5 s: the two race, and the loser's socket is closed
                        # (django/channels_redis#422). Longer than the pop, still
                        # bounded so a silent Redis is noticed.
                        "socket_timeout": REDIS_SOCKET_TIMEOUT,
                    }
                ],
                "capacity": 1000,
                "expiry": 30,
                "symmetric_encryption_keys": CHANNEL_LAYER_ENCRYPTION_KEYS,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Caches -----------------------------------------------------------------
# "parts": rendered dashboard parts, per process and in memory only (never in
# Redis: nothing rendered leaves the process), keyed by who looks and by the
# couple's sequence number (couples/parts.py). PARTS_CACHE_ENTRIES=0 turns it off.
PARTS_CACHE_ENTRIES = env_int("PARTS_CACHE_ENTRIES", 2000)
# "default": the counters that limit people (allauth's rate limits, the brief PDF
# limit). With REDIS_URL they live in Redis, so each limit holds once for every
# process; while Redis is unreachable each process counts in its own memory
# (config/cache.py: neither open nor closed, and never a 500).
if REDIS_URL:
    _default_cache = {
        "BACKEND": "config.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cg-limits",
        "OPTIONS": {
            "socket_connect_timeout": 1,
            "socket_timeout": 1,
            "OUTAGE_RETRY_SECONDS": 5,
        },
    }
else:
    _default_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": _default_cache,
    "parts": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "dashboard-parts",
        "TIMEOUT": 120,
        "OPTIONS": {"MAX_ENTRIES": max(PARTS_CACHE_ENTRIES, 1), "CULL_FREQUENCY": 4},
    },
}

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Length, not composition rules (NIST SP 800-63B): 10 to 128 characters, no common passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.DisplayNameSignupForm"
# Same work whether or not the address has an account (accounts/signup.py).
ACCOUNT_FORMS = {"signup": "accounts.signup.EvenSignupForm"}
# allauth's rate limits count the client address as axes does (accounts/adapter.py).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str(
    "ACCOUNT_EMAIL_VERIFICATION", "mandatory", choices={"mandatory", "optional", "none"}
)
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Common Ground] "
# Security mails to the account's own address: password changed or set, address
# changed, passkey or authenticator app added or removed, new recovery codes
# (allauth), and a login from a new device (accounts/new_device.py).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"

# --- A second step and passkeys (allauth.mfa) ------------------------------------
# Passkeys (WebAuthn), authenticator-app codes (TOTP) and single-use recovery codes.
# A passkey alone logs in (no password typed); after a password, an account with a
# factor asks for it. allauth throttles wrong codes (MFA's own rate limits).
MFA_SUPPORTED_TYPES = ["webauthn", "totp", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Common Ground"
MFA_RECOVERY_CODE_COUNT = 10
# Recovery codes are shown once, when made; new ones can be made at any time.
MFA_RECOVERY_CODES_SHOW_ONCE = True
# WebAuthn wants https; outside production http://localhost is allowed (tests, dev).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
# The code forms add a limit of wrong codes per person (accounts/mfa_forms.py).
# Turning off the last passkey or app also asks for the password (the passkey's
# removal form is set in accounts/mfa_views.py: allauth has no key for it).
MFA_FORMS = {
    "authenticate": "accounts.mfa_forms.AuthenticateForm",
    "reauthenticate": "accounts.mfa_forms.ReauthenticateForm",
    "deactivate_totp": "accounts.mfa_forms.DeactivateTOTPForm",
}

# Login throttling per (username, IP) with a cool-off, never a permanent lockout.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "login"
# allauth authenticates with ``email=...`` credentials, not ``login=...``: without
# this callable axes would count every failure against username None (per IP only).
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False
# Number of trusted reverse proxies in front of the app: the client address is
# taken that many hops from the right of X-Forwarded-For, so a spoofed header
# cannot reset the counter. 0 = use REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The proxies' own addresses (or networks): gunicorn believes X-Forwarded-Proto
# from these only, and from nobody when TRUSTED_PROXY_COUNT is 0
# (deploy/gunicorn.conf.py). Checked here so a typo stops every role.
TRUSTED_PROXY_ADDRESSES = env_list("TRUSTED_PROXY_ADDRESSES", ["127.0.0.1", "::1"])
try:
    [ipaddress.ip_network(address) for address in TRUSTED_PROXY_ADDRESSES]
except ValueError:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_ADDRESSES must be comma-separated IP addresses or networks."
    ) from None
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
# allauth's own rate limits see the same client address as axes.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# allauth's default failed-login limit also counts per account from any address
# (5 per 5 minutes): anyone who knows an email address (a controlling partner)
# could keep that person locked out. axes locks (account, address) pairs instead;
# allauth keeps only its per-address limit.
# Wrong passwords when removing the last passkey or app: 5 in 5 minutes per person.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip",
    "mfa_code": "5/300s/key",
    "mfa_remove_last": "5/300s/key",
}

# --- Background tasks ------------------------------------------------------------
# One queue in the database, drained by `manage.py worker` (the `worker` service in
# docker-compose.yml; scripts/dev runs one beside the development server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The worker's own schedule (accounts/management/commands/worker.py): task path ->
# seconds between runs.
RECURRING_TASKS = {
    "accounts.tasks.clear_expired_sessions": env_int("SESSION_CLEANUP_SECONDS", 60 * 60),
    "accounts.tasks.prune_task_results": 24 * 60 * 60,
    "couples.tasks.prune_notices": 24 * 60 * 60,
}

# --- Email --------------------------------------------------------------------
# Requests only queue a mail (accounts/mail.py); the worker sends it through the
# backend EMAIL_BACKEND names (console unless set), then deletes the queued copy.
EMAIL_DELIVERY_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_BACKEND = "accounts.mail.QueuedEmailBackend"
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Common Ground <noreply@localhost>")

# --- Sessions, cookies, transport security -------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# The language a browser picked (signed out, or following the browser); a year.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_NAME = "__Host-language"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload is on by default (check --deploy asks for it); a deployment on a
    # shared parent domain turns it off with SECURE_HSTS_PRELOAD=false.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # The TLS-terminating proxy sets this header; only trust it behind one.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: no inline script or style, no eval; htmx is configured
# to match (see templates/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production, whitenoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Django's default message storage (cookie, then session), built on first use.
MESSAGE_STORAGE = "config.messages.FallbackStorage"

LANGUAGE_CODE = "en"
# The languages a person can pick (remembered on their account); Spanish is complete
# (tests/test_i18n.py fails on a missing or fuzzy message). Catalogues live in locale/.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
# The server's zone is everyone's until they choose their own: a misspelt one would
# fail only later, on the first date shown, so it stops the start instead.
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(
        "TIME_ZONE must be an IANA time zone name, such as Europe/Madrid or UTC."
    )
USE_I18N = True
USE_TZ = True

# --- Django admin -------------------------------------------------------------------
# Off in production unless ADMIN_PATH names where it lives (e.g. "backstage-k7/"):
# the operator chooses the path, and nothing answers at /admin/ by default.
ADMIN_PATH = env_str("ADMIN_PATH", "" if PRODUCTION else "admin/")
if ADMIN_PATH and not re.fullmatch(r"([A-Za-z0-9_-]+/)+", ADMIN_PATH):
    raise ImproperlyConfigured(
        'ADMIN_PATH must be a relative path ending in "/" (letters, digits, - and _), '
        "or empty for no admin."
    )

# --- Invites --------------------------------------------------------------------
INVITE_LIFETIME_HOURS = 72
# Failed invite-code attempts allowed per person (and per address) in the window.
INVITE_ATTEMPT_LIMIT = env_int("INVITE_ATTEMPT_LIMIT", 5)
INVITE_ATTEMPT_WINDOW_MINUTES = env_int("INVITE_ATTEMPT_WINDOW_MINUTES", 15)

# --- Private reflections ----------------------------------------------------------
# Encryption at rest (couples/fields.py): comma-separated Fernet keys, newest first.
# The first encrypts, all decrypt; rotate with `manage.py rotate_field_encryption`.
# Separate from SECRET_KEY on purpose. In development, with none set, a key is
# generated once into var/dev-field-encryption.key; production refuses to start.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Set FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first) in production."
    )
# Reading or writing reflections after this long without reflections activity asks
# for the password again (accounts/reauth.py).
REFLECTIONS_REAUTH_MINUTES = env_int("REFLECTIONS_REAUTH_MINUTES", 15)

# --- Notifications (Web Push) -------------------------------------------------------
# VAPID: the server's own key pair that push services check (couples/push.py).
# VAPID_PRIVATE_KEY is the raw P-256 private key, url-safe base64 (43 characters;
# `manage.py vapid_keys` makes one); the public key is derived from it. In
# development, with none set, a key is generated once into var/dev-vapid.key;
# production refuses to start without one. VAPID_SUBJECT is how a push service
# reaches the operator (a mailto: or https: address).
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:operator@localhost")
if PRODUCTION and not VAPID_PRIVATE_KEY:
    raise ImproperlyConfigured(
        "Set VAPID_PRIVATE_KEY (`manage.py vapid_keys` makes one) in production."
    )
if not re.fullmatch(r"(mailto:\S+@\S+|https://\S+)", VAPID_SUBJECT):
    raise ImproperlyConfigured("VAPID_SUBJECT must be a mailto: or https:// address.")
# The server only ever sends to these push services (a browser names its own
# endpoint; the list keeps the server from posting anywhere else). "*." matches
# any subdomain. Plain http is refused unless PUSH_ALLOW_HTTP (never in production;
# the test suite's local push endpoint).
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    [
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        "*.push.services.mozilla.com",
        "*.notify.windows.com",
        "web.push.apple.com",
        "*.push.apple.com",
    ],
)
PUSH_ALLOW_HTTP = env_bool("PUSH_ALLOW_HTTP", default=False)
if PRODUCTION and PUSH_ALLOW_HTTP:
    raise ImproperlyConfigured("PUSH_ALLOW_HTTP is for local tests only, never production.")

# --- Logging --------------------------------------------------------------------
# No request bodies and no secrets in logs: the redaction filter drops invite
# codes from request paths (on the loggers that log paths, so every handler gets
# the redacted record), and nothing logs form data.
LOG_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.logging.PrivateExceptionReporterFilter"
# One JSON line per event in production (config/logging_json.py), each with the
# request id; readable lines in development. Exceptions: type and stack only.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'plain'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "config.logging.RedactSecretsFilter"},
        "request_id": {"()": "config.logging_json.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"()": "config.logging_json.PlainFormatter"},
        "json": {"()": "config.logging_json.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact", "request_id"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_str("LOG_LEVEL", "INFO", choices=LOG_LEVELS),
    },
    "loggers": {
        "django.request": {"level": "ERROR", "filters": ["redact"]},
        "django.security": {"filters": ["redact"]},
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact"],
        },
        # The development server's access lines (daphne's runserver): once, redacted
        # (Django's own "django" console handler would print them a second time, raw).
        "django.channels.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact"],
        },
        "daphne": {"level": "WARNING"},
        # One line per request (config.middleware.RequestIdMiddleware).
        "commonground.access": {"level": env_str("ACCESS_LOG_LEVEL", "INFO")},
        "axes": {"level": "WARNING"},
        # Pinned whatever LOG_LEVEL says: at DEBUG these log template contexts
        # (a failed variable lookup prints every value on the page: invite codes,
        # what people wrote) and SQL with its parameters.
        "django.template": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # PDF rendering (the session brief): its progress lines and CSS notes are noise.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# --- Error reports --------------------------------------------------------------
# sentry-sdk when SENTRY_DSN is set, scrubbed of everything private (config/sentry.py).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from config.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=DJANGO_ENV)
