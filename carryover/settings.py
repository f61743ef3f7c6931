"""One settings module for every environment, driven by environment variables.

Development (the default) boots on SQLite with nothing set. `CARRYOVER_ENV=production` turns on the
production hardening and refuses to start with unsafe values (see `_refuse_unsafe_production`).
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CARRYOVER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("CARRYOVER_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DEV_SECRET_KEY = "carryover-development-only-secret-key-never-use-in-production"

SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def site_url_from_bind(bind: str) -> str:
    """Where a development server started by bin/serve.py on `BIND` is reached: emailed links must point there,
    not at port 8000 whatever BIND says. Listening on every address (0.0.0.0, [::]) is reached as localhost."""
    host, _, port = bind.rpartition(":")
    if host in ("", "0.0.0.0", "[::]", "::"):  # noqa: S104 - naming the wildcard, not binding to it
        host = "localhost"
    return f"http://{host}:{port or '8000'}"


# Production names its public address; development follows the address bin/serve.py listens on.
SITE_URL = os.environ.get(
    "SITE_URL", "http://127.0.0.1:8000" if PRODUCTION else site_url_from_bind(os.environ.get("BIND", "127.0.0.1:8000"))
).rstrip("/")


def _refuse_unsafe_production() -> None:
    if not PRODUCTION:
        return
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG).")
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters in production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) in production.")
    if not env_list("FIELD_ENCRYPTION_KEYS"):
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS (Fernet keys) in production; see the README.")


_refuse_unsafe_production()

# --- Audit keys and weak production values (issue 11, items 6 and 10) ----------------------------------------
# Kept in one block: the checks above refuse what is missing; these refuse what is present but weak.
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")
# Signed checkpoints of the audit chain are appended here, outside the database, so that removing the newest
# events is detected (docs/security.md, "Audit log"). Production names it; make it append-only for the app.
AUDIT_CHECKPOINT_PATH = os.environ.get(
    "AUDIT_CHECKPOINT_PATH", "" if PRODUCTION else str(VAR_DIR / "audit-checkpoints.jsonl")
)


def _weak(key: str, *, min_length: int) -> bool:
    # Django's own test for a guessable key (check --deploy, security.W009): short, or few distinct characters.
    return len(key) < min_length or len(set(key)) < 5


def _refuse_weak_production_values() -> None:
    if not PRODUCTION:
        return
    hint = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if any("*" in host for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured("ALLOWED_HOSTS must name this site's hosts in production, not a wildcard '*'.")
    if _weak(SECRET_KEY, min_length=50):
        raise ImproperlyConfigured(f"SECRET_KEY is weak (short or a few repeated characters); {hint}.")
    from cryptography.fernet import Fernet

    for number, key in enumerate(env_list("FIELD_ENCRYPTION_KEYS"), start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {number} is not a Fernet key (32 bytes in URL-safe base64); see the "
                "README."
            ) from None
    if not AUDIT_HMAC_KEY:
        raise ImproperlyConfigured(f"Set AUDIT_HMAC_KEY in production (the audit chain's own key); {hint}.")
    if AUDIT_HMAC_KEY == SECRET_KEY:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY must differ from SECRET_KEY, so that either can be rotated alone.")
    if _weak(AUDIT_HMAC_KEY, min_length=32):
        raise ImproperlyConfigured(f"AUDIT_HMAC_KEY is weak (short or a few repeated characters); {hint}.")
    if not os.path.isabs(AUDIT_CHECKPOINT_PATH):
        raise ImproperlyConfigured(
            "Set AUDIT_CHECKPOINT_PATH in production to an absolute path of the audit checkpoint file (kept outside "
            "the database, append-only for the app); see docs/security.md."
        )


_refuse_weak_production_values()
# --- End of audit keys and weak production values -------------------------------------------------------------

INSTALLED_APPS = [
    "carryover.accounts",
    "carryover.audit",
    "carryover.homework",
    "carryover.measures",
    "carryover.reminders",
    "carryover.review",
    "carryover.progress",
    "carryover.together",
    "carryover.api",
    "carryover.support",
    "carryover.records",
    "carryover.lib",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",  # the account page's list of signed-in devices and "sign out my other devices"
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",  # the API docs page's bundled Swagger UI (templates and static files, no CDN)
]
# The demo, the benchmarks and their commands (load_demo, bench_*) exist only outside production: a production
# install has no way to load demo logins, and does not need the dev-only packages the benchmarks use.
if not PRODUCTION:
    INSTALLED_APPS.append("carryover.devtools")

MIDDLEWARE = [
    "carryover.lib.middleware.HealthCheckMiddleware",
    "carryover.lib.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "carryover.lib.devicecache.BackgroundLeavesSessionCookieMiddleware",  # before sessions: sees their cookie
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "carryover.accounts.middleware.SessionLimitsMiddleware",
    "carryover.lib.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "carryover.urls"
WSGI_APPLICATION = "carryover.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "carryover" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "carryover.accounts.context_processors.shell",
                "carryover.lib.devicecache.no_messages_for_copies",  # after Django's messages: overrides it
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------------
# SQLite by default: WAL lets readers and the worker run beside a writer; IMMEDIATE transactions take the
# write lock up front so two writers wait (busy timeout) instead of failing with "database is locked".
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "carryover.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not shared-cache memory, for tests too: the live-server tests then see the same locking
            # (WAL, waiting on the busy timeout) as a real deployment instead of instant "table is locked".
            "TEST": {"NAME": str(VAR_DIR / "test-carryover.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every web process and worker: login rate limits and used TOTP codes must hold across processes.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "carryover_cache",
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Reminders ------------------------------------------------------------------------------------------
REMINDER_CATCH_UP_MINUTES = int(os.environ.get("REMINDER_CATCH_UP_MINUTES", "60"))  # later than this: skipped
REMINDER_LEASE_SECONDS = int(os.environ.get("REMINDER_LEASE_SECONDS", "300"))  # a crashed worker's claim expires
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")  # `manage.py vapid_keys` makes a pair
VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:admin@carryover.invalid")

# --- Accounts -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "name")},
    },
    {"NAME": "carryover.accounts.validators.MaximumLengthValidator"},
]

ACCOUNT_ADAPTER = "carryover.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Carryover: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Lockout: five wrong passwords for one email within 15 minutes lock that email for the rest of the window;
# the key is the email typed, so unknown and known emails behave the same.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/15m/key"}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# Passkeys (WebAuthn) serve twice: as a clinician's second factor beside an authenticator app, and as a
# password-free sign-in (a discoverable passkey that verifies the person: fingerprint, face or device PIN).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_FORMS = {
    "add_webauthn": "carryover.accounts.forms.AddPasskeyForm",
    "authenticate": "carryover.accounts.forms.CodeForm",
}
MFA_TOTP_ISSUER = "Carryover"
# Browsers allow passkeys on https and on http://localhost only (never on an IP address such as 127.0.0.1, which
# cannot be a relying-party id), and fido2 accepts exactly those origins. MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN
# would switch the origin check off altogether, so it stays off: develop passkeys on http://localhost:8000.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

# Sessions: idle limits per role are enforced by SessionLimitsMiddleware; the cookie itself never outlives
# the absolute limit.
IDLE_TIMEOUT_CLINICIAN = 15 * 60
IDLE_TIMEOUT_CLIENT = 30 * 60
IDLE_WARNING_BEFORE = 2 * 60
SESSION_ABSOLUTE_LIMIT = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIMIT
# --- Sessions lane (issue 11 items 2, 3, 4, 15; devices): docs/security.md "Sessions and cookies" ---
# The database store, encrypted with FIELD_ENCRYPTION_KEYS: sessions carry kept form text and messages.
SESSION_ENGINE = "carryover.lib.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Messages can name people ("Invitation to … created"): kept in the (encrypted) session, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Pages hand the token to scripts and htmx in <meta name="csrf-token">; no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
# Device activity is recorded by SessionLimitsMiddleware at most once a minute, not by allauth on every request.
USERSESSIONS_TRACK_ACTIVITY = False
# --- end of the sessions lane's block ---

INVITATION_DAYS = 7

# Client-written text and files are encrypted at rest with these Fernet keys (first encrypts, all decrypt).
# Generate one with: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
MEDIA_ROOT = VAR_DIR / "private"  # never served directly: attachments go through access-checked views
ATTACHMENT_MAX_BYTES = {"drawing": 3 * 1024 * 1024, "photo": 8 * 1024 * 1024, "audio": 12 * 1024 * 1024}
# Room per client for all their photos, drawings and recordings (as stored: photos are scaled and re-encoded).
# 250 MB holds a year of daily minute-long voice notes, or several hundred photos; lowering it refuses new files
# beyond it and keeps every existing one.
ATTACHMENT_QUOTA_BYTES = int(os.environ.get("ATTACHMENT_QUOTA_MB", "250")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024  # form posts (autosaved drafts of long answers stay well below)
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Carryover <no-reply@carryover.invalid>")

# --- Static files ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "carryover" / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Security headers -----------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_NAME = "__Secure-csrftoken"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging: request ids, never request bodies, never a secret link ----------------------------------------
# Invitation tokens and password-reset / confirmation keys in a path are redacted from every line (lib/redact.py);
# runserver's request lines go through the same handler. gunicorn's logs: bin/serve.py.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "carryover.lib.middleware.RequestIdLogFilter"},
        "redact_secrets": {"()": "carryover.lib.redact.RedactSecretsFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id", "redact_secrets"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# === i18n lane (issue 17, languages): the reader's language, never a prefix in URLs ===
# A signed-in person's `User.language`, else their practice's default, else the browser's Accept-Language
# (carryover/lib/i18n.py, `language_for`). One catalogue for the whole project: carryover/locale (make messages).
LANGUAGE_CODE = "en-us"
LANGUAGES = [("en-gb", "English (UK)"), ("en-us", "English (US)"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "carryover" / "locale"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "carryover.lib.i18n.LanguageMiddleware",
)
# === end of the i18n lane's block ===
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
CSRF_FAILURE_VIEW = "carryover.lib.errors.csrf_failure"

# === Emails lane (issue 11 items 7, 8, 14): account emails, secrets out of logs, client IPs behind a proxy ===
# "Forgot password" only enqueues; the worker looks the address up and emails (accounts/tasks.py), so a known and an
# unknown address take the same path and the same time.
ACCOUNT_FORMS = {"reset_password": "carryover.accounts.forms.ResetPasswordForm"}
# "Ask for a new invitation link": per client IP and per address typed. Its inviter hears at most once a day per
# invitation however often it is asked (accounts/tasks.py, NEW_LINK_NOTICE_EVERY).
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "invitation_new_link": "10/h/ip,3/h/key"}
# Which address a request comes from, for the per-IP sign-in and request limits (docs/security.md, "Client
# addresses"). Production runs behind a TLS proxy (see SECURE_PROXY_SSL_HEADER), so by default it trusts one proxy
# hop of X-Forwarded-For; without that every person would share the proxy's address and one person's failures
# would lock out everyone. TRUSTED_CLIENT_IP_HEADER names a header the proxy sets instead (X-Real-IP,
# CF-Connecting-IP); it must be one the proxy always overwrites, or anyone could choose their own address.
_proxy_count = os.environ.get("TRUSTED_PROXY_COUNT", "1" if PRODUCTION else "0").strip()
if not _proxy_count.isdigit():
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be a whole number of proxy hops (0, 1, 2…).")
ALLAUTH_TRUSTED_PROXY_COUNT = int(_proxy_count)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
# === end of the emails lane's block ===

# === API (issue 14): calls a minute per personal access token (or per signed-in person) ===
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "120"))
# Webhooks to private, loopback or link-local addresses (SSRF) are refused in production, allowed in development.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = not PRODUCTION
# A worker killed mid-delivery holds its webhook deliveries this long; then another worker sends them again.
WEBHOOK_LEASE_SECONDS = int(os.environ.get("WEBHOOK_LEASE_SECONDS", "120"))
# === Operations lane (issue 19): file store, connection pool, probes, metrics, logs; docs/deploy.md ===
INSTALLED_APPS.append("carryover.ops")
# /readyz and /metrics are answered beside /healthz (before host checks); request metrics need the signed-in user.
MIDDLEWARE.insert(
    MIDDLEWARE.index("carryover.lib.middleware.HealthCheckMiddleware") + 1, "carryover.ops.middleware.ProbesMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "carryover.ops.middleware.RequestMetricsMiddleware",
)
MIDDLEWARE.append("carryover.ops.middleware.FileStoreErrorMiddleware")  # a store out of reach: 503, not 500
# Files: this machine's `var/private` by default; FILE_STORE=s3 keeps them in an S3-compatible bucket so that every
# web machine and worker reads what any other stored. Either way the app encrypts before storing (lib/filestore.py).
FILE_STORE = os.environ.get("FILE_STORE", "local")
if FILE_STORE not in {"local", "s3"}:
    raise ImproperlyConfigured("FILE_STORE must be 'local' (this machine's var/private) or 's3'.")
if FILE_STORE == "s3":
    for _name in ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
        if not os.environ.get(_name):
            raise ImproperlyConfigured(f"FILE_STORE=s3 needs {_name}; see docs/deploy.md.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,  # unset: AWS itself
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ["S3_ACCESS_KEY_ID"],
            "secret_key": os.environ["S3_SECRET_ACCESS_KEY"],
            "location": os.environ.get("S3_PREFIX", ""),
            "default_acl": None,  # private objects: the bucket's own policy, never public-read
            "querystring_auth": True,  # no URL is ever handed out; if one were, it would need a signature
            "file_overwrite": False,  # names are random; never replace an object that is already there
            "max_memory_size": 16 * 1024 * 1024,
        },
    }
# PostgreSQL: a pool of connections per process (psycopg-pool), instead of one per thread held for CONN_MAX_AGE.
# DB_POOL_MAX_SIZE × processes must stay below PostgreSQL's max_connections (docs/deploy.md, "Sizing").
# Opt-in (DB_POOL=1, as docs/deploy.md sets it): a process forked after its pool opened shares the pool's sockets
# with its parent (the reminders tests fork workers that way, and broke the parent's transactions).
if DATABASE_URL and env_bool("DB_POOL", False) and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses a persistent connection together with a pool
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "1")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "8")),
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "10")),  # seconds a request waits for a connection
    }
# /readyz: a worker or clock heartbeat older than this makes the node not ready.
READY_HEARTBEAT_MAX_AGE = int(os.environ.get("READY_HEARTBEAT_MAX_AGE", "180"))
# /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset, it is not served at all (404).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# LOG_FORMAT=json: one JSON object a line (time, level, logger, request id, numeric user id, message).
if os.environ.get("LOG_FORMAT", "plain") == "json":
    LOGGING["formatters"]["plain"] = {"()": "carryover.lib.jsonlog.JsonFormatter"}
    LOGGING["filters"]["user_id"] = {"()": "carryover.lib.jsonlog.UserIdLogFilter"}
    LOGGING["handlers"]["console"]["filters"].append("user_id")
# === end of the operations lane's block ===
