"""Settings in both modes, checked in fresh processes (settings are read once at start)."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x7Lq-0dPz9vB2mW4nR8tY1uK6hJ3gF5sA0eC9iO2pQ7wE4rT8yU1iO5pA3sD6fG9hJ2kL",
    "DJANGO_ALLOWED_HOSTS": "tower.example.com",
    "DATABASE_URL": "postgres://ct:secret@db.example.com:5432/controltower",
    "REDIS_URL": "redis://redis.example.com:6379/0",
    "ODOO_URL": "https://odoo.example.com",
    "ODOO_DATABASE": "production",
    "ODOO_LOGIN": "control-tower",
    "ODOO_API_KEY": "odoo-api-key-from-the-vault",
    "ODOO_WEBHOOK_SECRET": "a-long-random-webhook-secret",
}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "ODOO_"))}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def show(setting_names: str, env: dict[str, str]) -> str:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'controltower.settings'); django.setup();"
        f"from django.conf import settings; print([getattr(settings, n) for n in {setting_names.split()!r}])"
    )
    result = run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_production_with_required_variables_passes_check_deploy_without_warnings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_database_or_redis():
    for missing in ("DATABASE_URL", "REDIS_URL", "ODOO_DATABASE"):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
        result = run(["manage.py", "check"], env)
        assert result.returncode != 0, missing
        assert f"{missing} is not set" in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(PRODUCTION_ENV["DJANGO_SECRET_KEY"][::-1])
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SECRET_KEY_FILE"] = str(secret_file)
    assert PRODUCTION_ENV["DJANGO_SECRET_KEY"][::-1] in show("SECRET_KEY", env)


def test_production_settings_are_strict():
    output = show("DEBUG SECURE_SSL_REDIRECT SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE EMBEDDED_REDIS", PRODUCTION_ENV)
    assert output.strip() == "[False, True, True, True, False]"


def test_embedded_defaults_need_no_configuration():
    output = show("REDIS_URL EMBEDDED_REDIS CELERY_BROKER_URL DATABASES", {"EMBEDDED_REDIS_PORT": "6399"})
    assert output.startswith("['redis://127.0.0.1:6399/0', True, 'redis://127.0.0.1:6399/0', {'default': {")
    assert "'ENGINE': 'django.db.backends.sqlite3'" in output
    assert "var/controltower.sqlite3" in output


def test_unknown_mode_is_refused():
    result = run(["manage.py", "check"], {"DJANGO_ENV": "staging"})
    assert result.returncode != 0
    assert "DJANGO_ENV must be 'embedded' or 'production'" in result.stderr


def test_production_does_not_install_the_odoo_simulator():
    installed = show("INSTALLED_APPS", PRODUCTION_ENV)
    assert "'apps.odoo'" in installed and "'apps.odoosim'" not in installed
    result = run(["manage.py", "odoo_simulator", "--help"], PRODUCTION_ENV)
    assert result.returncode != 0 and "Unknown command: 'odoo_simulator'" in result.stderr
    # The demo and the tests keep it.
    assert "'apps.odoosim'" in show("INSTALLED_APPS", {"EMBEDDED_REDIS_PORT": "6399"})


def _variables_settings_reads() -> set[str]:
    """Every environment variable controltower/settings.py reads (env.<type>("NAME") or required_in_production)."""
    tree = ast.parse((ROOT / "controltower" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        func = node.func
        reads_env = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        if reads_env or (isinstance(func, ast.Name) and func.id == "required_in_production"):
            names.add(node.args[0].value)
    return names


def _variables_in_readme_table() -> set[str]:
    """The variables named in the first column of the README's configuration table."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_column = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_column))
    return names


def test_every_setting_read_from_the_environment_is_in_the_readme_table_and_back():
    read = _variables_settings_reads()
    documented = _variables_in_readme_table()
    assert {"DJANGO_SECRET_KEY", "ODOO_URL", "WRITEBACK_SWEEP_BATCH"} <= read  # the parser finds them
    assert read - documented == set(), "settings.py reads these, the README's table does not list them"
    assert documented - read == set(), "the README's table lists these, settings.py does not read them"
