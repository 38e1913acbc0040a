"""Roles decide the navigation and the pages; site membership decides the data."""

import pytest
from django.urls import reverse

from apps.accounts.selectors import sites_visible_to


def nav_labels(client) -> list[str]:
    return [entry["label"] for entry in client.get("/").context["nav_entries"]]


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("supervisor", ["Overview", "Wall", "Exceptions", "Approvals", "Docks", "API", "API tokens"]),
        ("approver", ["Overview", "Exceptions", "Approvals", "API", "API tokens"]),
        (
            "manager",
            [
                "Overview",
                "Wall",
                "Exceptions",
                "Approvals",
                "Docks",
                "KPIs",
                "Advisor",
                "Integration health",
                "API",
                "API tokens",
            ],
        ),
        (
            "admin_user",
            [
                "Overview",
                "Wall",
                "Exceptions",
                "Approvals",
                "Docks",
                "KPIs",
                "Advisor",
                "Integration health",
                "Odoo connection",
                "Escalation",
                "API",
                "API tokens",
                "Integrations",
                "Advisors",
                "Administration",
            ],
        ),
        ("display", ["Overview", "Wall"]),
    ],
)
def test_each_role_sees_its_navigation(client, request, user_fixture, expected):
    client.force_login(request.getfixturevalue(user_fixture))
    assert nav_labels(client) == expected


def test_set_up_pages_sit_under_settings_and_the_daily_pages_stay_in_the_bar(client, admin_user, supervisor):
    client.force_login(admin_user)
    page = client.get("/settings/escalation/").content.decode()
    bar, menu = page.split('<details class="nav__settings">')[0], page.split('<details class="nav__settings">')[1]
    menu = menu.split("</details>")[0]
    assert 'href="/exceptions/"' in bar and 'href="/kpis/"' in bar
    for url in ("/settings/escalation/", "/settings/integrations/", "/settings/tokens/"):
        assert f'href="{url}"' in menu and f'href="{url}"' not in bar.split('<nav class="nav"')[1]
    assert '<summary class="active">Settings</summary>' in menu  # the open page is one of them
    client.force_login(supervisor)
    page = client.get("/exceptions/").content.decode()
    assert "<summary>Settings</summary>" in page and 'href="/settings/tokens/"' in page


def test_members_see_only_their_sites_and_admins_see_all(supervisor, admin_user, stranger, sites):
    assert [site.code for site in sites_visible_to(supervisor)] == ["BRU"]
    assert [site.code for site in sites_visible_to(admin_user)] == ["BRU", "CHI"]
    assert list(sites_visible_to(stranger)) == []


def test_overview_lists_only_member_sites(client, supervisor):
    client.force_login(supervisor)
    page = client.get("/").content.decode()
    assert "Brussels DC" in page and "Chicago DC" not in page


def test_foreign_site_snapshot_is_not_found(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("live:site-pulse", args=["BRU"])).status_code == 200
    assert client.get(reverse("live:site-pulse", args=["CHI"])).status_code == 404


def test_integration_page_is_for_admins_and_managers(client, supervisor, manager):
    client.force_login(supervisor)
    assert client.get(reverse("health:integration")).status_code == 403
    client.force_login(manager)
    assert client.get(reverse("health:integration")).status_code == 200


def test_django_admin_is_for_admins_only(client, supervisor, admin_user):
    client.force_login(supervisor)
    assert client.get("/admin/").status_code == 302  # admin's own login page
    client.force_login(admin_user)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/ct_sites/site/").status_code == 200


def test_api_refuses_anonymous_with_json_not_a_redirect(client, db):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 403
    assert b"Authentication credentials were not provided" in response.content


def test_api_schema_for_signed_in_users(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("api-schema")).status_code == 200
