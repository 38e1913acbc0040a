"""Test an Odoo connection step by step and say, in a warehouse admin's words, what to fix.

Nothing here stores a secret: the caller passes what was typed (or what the environment holds),
the test runs, and the report carries the ``ODOO_*`` lines to set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.odoo import setup as odoo_setup
from apps.odoo.client import OdooClient
from apps.odoo.config import OdooConfig
from apps.odoo.errors import (
    OdooAccessDenied,
    OdooAccessError,
    OdooConfigurationError,
    OdooConnectionError,
    OdooDatabaseNotFound,
    OdooError,
    OdooTimeout,
)

#: oldest Odoo whose JSON-RPC the gateway speaks (17 is the reference; 16 and 18 answer the same)
MIN_ODOO_MAJOR = 16
#: where each required module is switched on in Odoo
MODULE_HINT = "In Odoo, open Apps, remove the “Apps” filter, search for {name!r} and click Activate."
RIGHTS_HINT = (
    "In Odoo, open Settings → Users, pick {login!r} and give it Inventory: Administrator, Sales: "
    "User: All Documents and Purchase: User (or the rights your team agreed on), then test again."
)


@dataclass
class Check:
    """One step of the test: ``ok`` is True, False (failed) or None (not run: an earlier step failed)."""

    key: str
    label: str
    ok: bool | None = None
    summary: str = ""
    fix: str = ""
    warning: bool = False  # failed, but Control Tower works without it (less well)


@dataclass
class ConnectionReport:
    """The outcome of a connection test; ``env_lines`` are what to put in the environment."""

    checks: list[Check]
    env_lines: list[str] = field(default_factory=list)
    server_version: str = ""
    uid: int | None = None

    @property
    def ok(self) -> bool:
        """Every check passed, warnings aside."""
        return all(check.ok or check.warning for check in self.checks)

    def check(self, key: str) -> Check:
        return next(c for c in self.checks if c.key == key)


@dataclass(frozen=True)
class ConnectionInput:
    """What the admin typed, or what the environment holds (the secret is used, never kept)."""

    url: str
    database: str
    login: str
    api_key: str = ""
    password: str = ""
    timeout_s: float = 10.0

    def config(self) -> OdooConfig:
        return OdooConfig(
            url=self.url.strip(),
            database=self.database.strip(),
            login=self.login.strip(),
            api_key=self.api_key,
            password=self.password,
            transport="auto",
            timeout_s=self.timeout_s,
            retry_attempts=1,
        )

    def env_lines(self) -> list[str]:
        """The exact lines to set; the secret's value is left for the admin to paste, never echoed."""
        lines = [
            f"ODOO_URL={self.url.strip().rstrip('/')}",
            f"ODOO_DATABASE={self.database.strip()}",
            f"ODOO_LOGIN={self.login.strip()}",
        ]
        if self.api_key:
            lines.append("ODOO_API_KEY=<the API key you typed>   # or ODOO_API_KEY_FILE=/run/secrets/odoo_api_key")
        else:
            lines.append("ODOO_PASSWORD=<the password you typed>   # an API key is better: ODOO_API_KEY")
        return lines


def _checks() -> list[Check]:
    return [
        Check("reachable", "Odoo answers at this address"),
        Check("version", "Odoo version"),
        Check("login", "Database, login and password or API key"),
        Check("modules", "Required Odoo apps installed"),
        Check("rights", "The user's access rights"),
    ]


def connection_test(*, given: ConnectionInput) -> ConnectionReport:
    """Reachable → version → login → modules → access rights; stops at the first blocking failure."""
    report = ConnectionReport(checks=_checks(), env_lines=given.env_lines())
    reachable, version, login, modules, rights = report.checks
    try:
        config = given.config()
    except OdooConfigurationError as exc:
        _fail(reachable, f"The address {given.url!r} is not a web address.", _address_fix(str(exc)))
        return report
    if not config.secret:
        _fail(login, "No password or API key was given.", "Type the integration user's API key (or password).")
    client = odoo_setup.probe_client(config)
    try:
        try:
            info = odoo_setup.server_info(client)
        except OdooError as exc:
            _fail(reachable, *_unreachable(config, exc))
            return report
        _pass(reachable, f"Odoo answers at {config.base_url}.")
        report.server_version = info.server_version
        if info.major < MIN_ODOO_MAJOR:
            _fail(
                version,
                f"This is Odoo {info.server_version}; Control Tower needs Odoo {MIN_ODOO_MAJOR} or newer.",
                "Upgrade Odoo, or connect a newer Odoo database (17 is the version it is tested against).",
            )
            return report
        _pass(version, f"Odoo {info.server_version} (spoken over {info.transport}).")
        if login.ok is False:
            return report
        try:
            report.uid = odoo_setup.authenticate(client)
        except OdooError as exc:
            _fail(login, *_login_failure(config, exc))
            return report
        _pass(login, f"Signed in to database {config.database!r} as {config.login!r}.")
        _check_modules(client, modules)
        _check_rights(client, rights, config.login)
    finally:
        client.close()
    return report


def _check_modules(client: OdooClient, check: Check) -> None:
    try:
        states = odoo_setup.module_states(client, list(odoo_setup.REQUIRED_MODULES))
    except OdooError as exc:
        _fail(check, f"Odoo would not list its installed apps: {exc.odoo_message}", "Check the user's rights.")
        return
    missing = [name for name, state in states.items() if state != "installed"]
    if not missing:
        _pass(check, "Inventory, Sales–Stock, Purchase–Stock and Automation Rules are installed.")
        return
    parts, fixes = [], []
    for name in missing:
        what = odoo_setup.REQUIRED_MODULES[name]
        state = states[name]
        if state is None:
            parts.append(f"{what} ({name}) is not on this Odoo server")
            fixes.append(f"{name}: it comes with Odoo Community; ask whoever installed Odoo to add it.")
        elif state == "uninstallable":
            parts.append(f"{what} ({name}) cannot be installed on this Odoo")
            fixes.append(f"{name}: ask whoever installed Odoo why it is uninstallable.")
        else:
            parts.append(f"{what} ({name}) is not installed")
            fixes.append(MODULE_HINT.format(name=name))
    only_automation = missing == ["base_automation"]
    summary = "; ".join(parts) + "."
    if only_automation:
        summary += " Changes will still arrive, by polling instead of within a second."
    _fail(check, summary, " ".join(fixes))
    check.warning = only_automation


def _check_rights(client: OdooClient, check: Check, login: str) -> None:
    try:
        missing = odoo_setup.missing_rights(client, odoo_setup.REQUIRED_RIGHTS)
    except OdooError as exc:
        _fail(
            check, f"Odoo would not say which rights {login!r} has: {exc.odoo_message}", RIGHTS_HINT.format(login=login)
        )
        return
    if not missing:
        _pass(check, f"{login!r} may read and update everything Control Tower needs.")
        return
    lacking = ", ".join(f"{purpose} ({model})" for model, _op, purpose in missing)
    _fail(check, f"{login!r} may not {lacking}.", RIGHTS_HINT.format(login=login))


# --- words for each failure ----------------------------------------------------------------------


def _pass(check: Check, summary: str) -> None:
    check.ok, check.summary, check.fix = True, summary, ""


def _fail(check: Check, summary: str, fix: str) -> None:
    check.ok, check.summary, check.fix = False, summary, fix


def _address_fix(detail: str) -> str:
    return f"Type the address you open Odoo with in a browser, such as https://odoo.example.com ({detail})"


def _unreachable(config: OdooConfig, exc: OdooError) -> tuple[str, str]:
    url = config.base_url
    if isinstance(exc, OdooConnectionError):
        return (
            f"Nothing answers at {url}.",
            "Check the address and the port (Odoo listens on 8069 unless a proxy serves it on 443), that Odoo "
            "is running, and that this server may reach it (firewall, VPN).",
        )
    if isinstance(exc, OdooTimeout):
        return (
            f"{url} did not answer within {config.timeout_s:g} s.",
            "Odoo may be overloaded or a firewall may be dropping the connection; try again, then check the network.",
        )
    status = f" (HTTP {exc.http_status})" if exc.http_status else ""
    return (
        f"Something answers at {url}{status}, but it is not Odoo's API.",
        "Use the address you open Odoo with in a browser, without /web or /odoo at the end.",
    )


def _login_failure(config: OdooConfig, exc: OdooError) -> tuple[str, str]:
    if isinstance(exc, OdooDatabaseNotFound):
        return (
            f"This Odoo has no database named {config.database!r}.",
            "Type the database name exactly as Odoo shows it (on the login page's “Manage databases” link, "
            "or at the top of Settings in developer mode).",
        )
    if isinstance(exc, OdooAccessDenied):
        kind = "API key" if config.api_key else "password"
        return (
            f"Odoo refused the login {config.login!r} with this {kind}.",
            "Check the login (often an e-mail address) and that the API key was copied whole and not revoked "
            "(Odoo: the user's Account Security tab → API Keys).",
        )
    if isinstance(exc, OdooAccessError):
        return (f"Odoo refused access: {exc.odoo_message}", RIGHTS_HINT.format(login=config.login))
    return (f"Signing in failed: {exc}", "Try again; if it keeps failing, check Odoo's log.")
