"""Users of Control Tower: a Django user with roles (groups) and the sites they belong to."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

#: the languages a person or a TV can choose; each name is written in its own language (whoever
#: picks it reads that one). "" follows the browser (LocaleMiddleware). Kept in step with
#: settings.LANGUAGES by tests/accounts/test_language.py.
LANGUAGE_CHOICES = [("", "Browser language / Langue du navigateur"), ("en", "English"), ("fr", "Français")]
LANGUAGE_CODES = frozenset(code for code, _name in LANGUAGE_CHOICES)


def language_field(help_text: str) -> models.CharField:
    """The one language choice of a person or a TV screen ("" follows the browser)."""
    return models.CharField(
        max_length=10,
        blank=True,
        choices=LANGUAGE_CHOICES,
        default="",
        db_default="",  # the previous release's INSERTs do not name it (rolling upgrade)
        help_text=help_text,
    )


MAX_SESSION_DAYS = 365  # a huge value overflowed the session expiry (a 500); no TV needs more


class User(AbstractUser):
    """A person (or a wall display) using Control Tower."""

    sites = models.ManyToManyField(
        "ct_sites.Site",
        blank=True,
        related_name="members",
        help_text="Sites this user sees. Administrators see every site.",
    )
    keyboard_shortcuts = models.BooleanField(
        default=True,
        db_default=True,  # the previous release's INSERTs do not name it (rolling upgrade)
        help_text="Single-key shortcuts (j, k, a...) on the inbox and the queue; off for speech input "
        "or a keyboard that types by accident (WCAG 2.1.4).",
    )
    language = language_field("The language of every screen for this person; empty follows the browser.")


class DisplayToken(models.Model):
    """A read-only link for one wall display (TV): one site, one board, revocable.

    The TV opens /wall/<site>/?token=... once; it is then signed in as the token's own display user
    for `session_days`, as long as the token is not revoked. Only a hash of the token is stored.
    """

    name = models.CharField(max_length=100, help_text="Where the screen hangs, e.g. 'Dock 3 TV'.")
    site = models.ForeignKey("ct_sites.Site", on_delete=models.PROTECT, related_name="display_tokens")
    board = models.SlugField(max_length=50, default="floor")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="display_token", editable=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    session_days = models.PositiveIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SESSION_DAYS)],
        help_text="How long the TV stays signed in (1 to 365 days).",
    )
    language = language_field("The language of the wall on this screen; empty follows the TV's browser.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_seen_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.site.code}/{self.board})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiScope(models.TextChoices):
    """What an API token may be used for (each view names the scope it needs)."""

    READ = "read", "Read (lists and details)"
    DECIDE = "decide", "Decide (act on cases, decide approvals)"
    DOCKS = "docks", "Docks (read and change dock appointments)"
    ADMIN = "admin", "Admin (manage tokens, admin-only endpoints)"


class ApiToken(models.Model):
    """A credential an integration (n8n, a carrier portal, BI) sends as `Authorization: Bearer ct_…`.

    It acts as its user, never more: the user's roles and sites still apply, narrowed by the token's
    scopes, sites (none = all the user's sites) and carrier (dock appointments of that carrier only).
    The secret is shown once at creation; only its SHA-256 is stored, found by the public prefix.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'n8n approvals flow'.")
    prefix = models.CharField(max_length=8, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list, help_text="Any of read, decide, docks, admin.")
    sites = models.ManyToManyField(
        "ct_sites.Site", blank=True, related_name="+", help_text="Only these sites; none = every site of the user."
    )
    carrier = models.CharField(
        max_length=100, blank=True, help_text="Only this carrier's dock appointments; empty = no carrier limit."
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (ct_{self.prefix}_…)"

    def status_at(self, now) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"
