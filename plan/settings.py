"""Settings for the plan tracker, driven by environment variables.

Development defaults need no configuration (SQLite file in the project, DEBUG on).
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; with DEBUG off
the HTTPS settings default to on, so `manage.py check --deploy` is clean.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from plan.client_address import trusted_networks
from plan.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("本番環境 (DEBUG=0) では SECRET_KEY を設定してください。")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "policies",
    "people",
    "evaluation",
    "reminders",
    "publication",
    "ops",
]

MIDDLEWARE = [
    "plan.request_log.RequestLogMiddleware",  # first: it times everything, sees the last status
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "plan.sessions.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 二段階認証: which device confirmed this session (django-otp), then, for those who must
    # use one, nothing but the code's page until it has (people.two_factor.middleware).
    "django_otp.middleware.OTPMiddleware",
    "people.two_factor.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A published year's pages and files come from its edition (publication.serving).
    "publication.serving.EditionMiddleware",
    # SQLite: a GET's transaction reads beside the writer instead of taking the write lock.
    # Innermost, so that it covers the view only: the session and messages are saved on
    # the way out with the configured IMMEDIATE.
    "plan.transactions.DeferredReadsMiddleware",
    # AxesMiddleware should be the last middleware.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "plan.urls"
WSGI_APPLICATION = "plan.wsgi.application"

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
                "policies.context_processors.plans",
                "people.context_processors.participant",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must hold a committee's worth of concurrent users: WAL lets
    # readers run beside the one writer, a writer waits (timeout, seconds) instead of
    # failing with "database is locked", and IMMEDIATE takes the write lock when the
    # transaction begins, so two requests never both read and then fail to upgrade.
    # A GET begins DEFERRED instead, to read beside the others (plan.transactions).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": env_int("SQLITE_TIMEOUT_SECONDS", 20),
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out username + address is refused before the password check.
    "axes.backends.AxesStandaloneBackend",
    # User names (e-mail addresses) match whatever their case; axes counts them lower-cased.
    "people.backends.CaseInsensitiveModelBackend",
]
AXES_USERNAME_CALLABLE = "people.backends.axes_username"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "plan.errors.csrf_failure"  # Japanese, in the site's layout
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login lockout: 5 failures for the same username from the same address, for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address (plan.client_address): X-Forwarded-For is believed only from these
# reverse proxies (addresses or networks, comma-separated), e.g. 127.0.0.1 for nginx on the
# same machine. Empty: the peer's address is the client's.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
TRUSTED_PROXY_NETWORKS = trusted_networks(TRUSTED_PROXIES)
AXES_CLIENT_IP_CALLABLE = "plan.client_address.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# 二段階認証 (TOTP): after the password, these people enter a 6-digit code from an authenticator
# app (or a one-time recovery code): "secretariat" (事務局) and/or "admin" (the admin site's
# users: staff and superusers), comma-separated. Empty (the default, and the demo): nobody.
REQUIRE_TOTP_FOR = env_list("REQUIRE_TOTP_FOR", [])
if not set(REQUIRE_TOTP_FOR) <= {"secretariat", "admin"}:
    raise ImproperlyConfigured(
        f"REQUIRE_TOTP_FOR は secretariat と admin で指定してください（値: {REQUIRE_TOTP_FOR!r}）。"
    )
# The name an authenticator app shows beside the code.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "市民活動促進基本計画 進捗管理")
# After each wrong code the next is refused for 1, 2, 4, 8 … seconds (django-otp's throttle).
OTP_TOTP_THROTTLE_FACTOR = env_int("OTP_TOTP_THROTTLE_FACTOR", 1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR

# One-time links (an invitation, 「パスワードを忘れた場合」): valid this many hours, used once.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 72) * 3600
# 「パスワードを忘れた場合」 is limited in the shared cache: per client address (more are
# refused with a message) and per e-mail address (more send nothing, and say nothing).
PASSWORD_RESET_LIMIT_WINDOW_MINUTES = env_int("PASSWORD_RESET_LIMIT_WINDOW_MINUTES", 60)
PASSWORD_RESET_LIMIT_PER_CLIENT = env_int("PASSWORD_RESET_LIMIT_PER_CLIENT", 10)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap comes from the npm package (package-lock.json), installed by `npm ci`.
STATICFILES_DIRS = [("bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist")]
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Plain widgets drawn in Python, with the markup of Django's templates (plan/form_renderer.py).
FORM_RENDERER = "plan.form_renderer.WidgetRenderer"

# Sessions live in the database, so every worker and machine shares them.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120) * 60
# The age above is an idle timeout, not a fixed lifetime: plan.sessions.IdleTimeoutMiddleware
# pushes it forward at most once a minute (not Django's SESSION_SAVE_EVERY_REQUEST, which
# writes the session row on every request).

# HTTPS hardening: on by default whenever DEBUG is off.
_HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
# A monitor asks each node directly over plain HTTP (ops.health), not through the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Logs go to standard error (systemd's journal under the service units): one JSON object per
# line in production, a readable line in development (plan.log_format). The loggers
# `request` (one line per request, plan.request_log) and `security` (logins, lockouts,
# role changes, exports… ops.security_events) log at INFO; everything else from LOG_LEVEL.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT は json か text にしてください（値: {LOG_FORMAT!r}）。")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "plan.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "plan.log_format.JsonFormatter"},
        "text": {"()": "plan.log_format.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "request": {"level": env_str("REQUEST_LOG_LEVEL", "INFO")},
        "security": {"level": "INFO"},
    },
}

# Content-Security-Policy (django-csp 4): only this site's own files. No inline script or
# style anywhere (templates keep CSS and JS in static files), so no 'unsafe-inline'.
# Bootstrap's CSS draws its icons (navbar toggler, select arrows) as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Who issues the 評価表 and the open data (printed on the PDF, the Excel's footer, the open
# data's JSON), and the paper the Excel prints one year on (A4 or A3 landscape; two years
# side by side always print on A3).
PUBLISHER = env_str("PUBLISHER", "武蔵野市 市民部 市民活動推進課")
SHEET_XLSX_PAPER = env_choice("SHEET_XLSX_PAPER", "A4", ["A4", "A3"])
# The one font the 評価表's PDF is drawn in, named by its file so that every machine draws the
# same pages (Debian's fonts-ipaexfont-gothic; .ci/run and the README's packages install it).
SHEET_PDF_FONT = env_str("SHEET_PDF_FONT", "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")

# 評価表の取り込み: the largest spreadsheet accepted (a full year of the real plan is ~50 KB).
SHEET_IMPORT_MAX_BYTES = env_int("SHEET_IMPORT_MAX_MB", 5) * 1024 * 1024
# …its data rows, its sheet or string table unpacked, and the seconds a preview or a
# confirm may take (well under gunicorn's 30 s worker timeout); see policies/spreadsheet.py.
SHEET_IMPORT_MAX_ROWS = env_int("SHEET_IMPORT_MAX_ROWS", 10_000)
SHEET_IMPORT_MAX_UNPACKED_MB = env_int("SHEET_IMPORT_MAX_UNPACKED_MB", 16)
SHEET_IMPORT_MAX_SECONDS = env_int("SHEET_IMPORT_MAX_SECONDS", 20)
# Request bodies: uploads above 2.5 MB go to a temporary file rather than memory; other
# form posts (the longest is a 実施状況 with its texts) stay far below 2.5 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# 計画の構造の取り込み（policies.plan_files）: ファイルの大きさと行数の上限。
PLAN_IMPORT_MAX_BYTES = env_int("PLAN_IMPORT_MAX_MB", 2) * 1024 * 1024
PLAN_IMPORT_MAX_ROWS = env_int("PLAN_IMPORT_MAX_ROWS", 3000)


# Shared by every worker and machine (a per-process cache would go stale in the other
# workers): the dashboard's roll-ups, invalidated on every save (evaluation.page_cache).
# `manage.py createcachetable` creates the table (make setup/run/bench do it).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "plan_cache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
    }
}


# E-mail (reminders, `manage.py send_reminders`): SMTP when EMAIL_HOST is set; otherwise each
# run writes its messages to files under var/mail/ (development, demo).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS (usually port 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the start (usually port 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS と EMAIL_USE_SSL は、どちらか一方だけを 1 にしてください。"
    )
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "市民活動推進課 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who signs every mail (the section) and how people reach it: mails are sent from an address
# nobody reads, so the signature says where questions go (reminders/email/_closing.txt). The
# contact (a telephone number, an address that is read) is what the city gives; empty, the
# signature names the section alone.
MAIL_SENDER = env_str("MAIL_SENDER", "武蔵野市 市民部 市民活動推進課")
MAIL_CONTACT = env_str("MAIL_CONTACT", "")
EMAIL_USE_LOCALTIME = True  # the Date header in Tokyo time (+0900), as people read it
# The address people reach the app at: links in e-mail are absolute (no request to ask).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"SITE_URL は http:// か https:// で始めてください（値: {SITE_URL!r}）。"
    )
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 7)  # the due-soon reminder, days ahead
# A message claimed for sending and never marked sent (its sender died mid-send: whether the
# mail server got it is unknown) is sent again by a run this many minutes after the claim.
REMINDER_CLAIM_STALE_MINUTES = env_int("REMINDER_CLAIM_STALE_MINUTES", 60)

# Where `manage.py backup_db` writes when no --output is given (the backup timer's files).
# On several machines point it at one shared place, or give each machine its own.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
