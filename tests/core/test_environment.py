"""Unknown ODOO_* / CT_* variables are named at startup, with the closest known name."""

import subprocess
import sys

from django.conf import settings

from apps.core.environment import known_names, unknown_variables, warn_about_unknown_variables


def test_near_miss_names_get_the_setting_they_meant():
    known = known_names(settings)
    environ = {
        "ODOO_DB": "prod",
        "ODOO_USER": "ct",
        "ODOO_URL": "https://odoo.example.com",  # known: no warning
        "ODOO_API_KEY_FILE": "/run/secrets/k",  # a secret file of a known name
        "ODOO_TIMEOUT": "5",
        "ODOO_PASSWROD_FILE": "/run/secrets/p",
        "CT_ZZZ_QQQ": "1",
        "PATH": "/usr/bin",
    }
    assert unknown_variables(environ, known) == [
        ("CT_ZZZ_QQQ", None),
        ("ODOO_DB", "ODOO_DATABASE"),
        ("ODOO_PASSWROD_FILE", "ODOO_PASSWORD_FILE"),
        ("ODOO_TIMEOUT", "ODOO_TIMEOUT_S"),
        ("ODOO_USER", "ODOO_LOGIN"),
    ]


def test_the_warning_names_the_variable_and_the_fix(caplog):
    messages = warn_about_unknown_variables(settings, {"ODOO_DB": "prod"})
    assert messages == [
        "Environment variable ODOO_DB is not a Control Tower setting and is ignored. Did you mean ODOO_DATABASE?"
    ]


def test_a_process_warns_at_startup():
    env = {"PATH": "/usr/bin:/bin", "ODOO_USERNAME": "ct", "DJANGO_SETTINGS_MODULE": "controltower.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert "ODOO_USERNAME is not a Control Tower setting" in result.stderr + result.stdout
    assert "Did you mean ODOO_LOGIN?" in result.stderr + result.stdout
