"""Each person, and each wall display, reads Control Tower in the language they chose (issue 24)."""

from __future__ import annotations

import pytest
from django.conf import settings

from apps.accounts.display_tokens import display_token_create
from apps.accounts.models import LANGUAGE_CHOICES

pytestmark = pytest.mark.django_db


def test_the_languages_offered_are_the_languages_shipped():
    assert {code for code, _name in LANGUAGE_CHOICES} - {""} == {code for code, _name in settings.LANGUAGES}


def test_a_french_user_reads_the_queue_the_inbox_and_the_wall_in_french(client, supervisor):
    supervisor.language = "fr"
    supervisor.save(update_fields=["language"])
    client.force_login(supervisor)

    queue = client.get("/exceptions/").content.decode()
    assert '<html lang="fr">' in queue and "File des exceptions" in queue and "Prendre en compte la sélection" in queue
    inbox = client.get("/approvals/").content.decode()
    assert "en attente de vous" in inbox and "Marquer pour approbation en lot" in inbox
    wall = client.get("/wall/BRU/").content.decode()
    assert '<html lang="fr">' in wall and "Qu'est-ce qui brûle ?" in wall.replace("&#x27;", "'")


def test_without_a_choice_the_browser_language_is_used(client, supervisor):
    client.force_login(supervisor)
    assert "Exception queue" in client.get("/exceptions/").content.decode()
    page = client.get("/exceptions/", headers={"accept-language": "fr"}).content.decode()
    assert "File des exceptions" in page
    client.logout()
    assert (
        "Se connecter" in client.get("/accounts/login/", headers={"accept-language": "fr-BE,fr;q=0.9"}).content.decode()
    )


def test_the_user_chooses_a_language_on_the_preferences_page(client, approver):
    client.force_login(approver)
    page = client.get("/accounts/preferences/").content.decode()
    assert 'name="language"' in page and "Français" in page and "Single-key shortcuts" in page

    response = client.post("/accounts/preferences/language/", {"language": "fr", "next": "/approvals/"})
    assert response.status_code == 302 and response["Location"] == "/approvals/"
    approver.refresh_from_db()
    assert approver.language == "fr"
    assert "Préférences" in client.get("/accounts/preferences/").content.decode()

    client.post("/accounts/preferences/language/", {"language": ""})  # back to the browser's
    approver.refresh_from_db()
    assert approver.language == ""


def test_a_language_we_do_not_ship_is_refused(client, approver):
    client.force_login(approver)
    assert client.post("/accounts/preferences/language/", {"language": "xx"}).status_code == 400
    assert client.get("/accounts/preferences/language/").status_code == 405
    approver.refresh_from_db()
    assert approver.language == ""


def test_a_french_display_token_shows_the_wall_in_french(client, sites, admin_user):
    _token, raw = display_token_create(site=sites["BRU"], board="floor", name="Dock 3 TV", created_by=admin_user,
                                       language="fr")  # fmt: skip
    page = client.get(f"/wall/BRU/?token={raw}", follow=True).content.decode().replace("&#x27;", "'")
    assert '<html lang="fr">' in page and "Qu'est-ce qui brûle ?" in page and "rien d'ouvert" in page
    # The TV's language is the token's, whatever its browser says.
    page = client.get("/wall/BRU/", headers={"accept-language": "en"}).content.decode().replace("&#x27;", "'")
    assert "Qu'est-ce qui brûle ?" in page
    # ...and the catalogue its scripts load is the French one.
    assert "en direct" in client.get("/jsi18n/").content.decode()


def test_an_english_display_token_stays_english_in_a_french_browser(client, sites, admin_user):
    _token, raw = display_token_create(site=sites["BRU"], board="floor", name="Gate TV", created_by=admin_user,
                                       language="en")  # fmt: skip
    page = client.get(f"/wall/BRU/?token={raw}", follow=True, headers={"accept-language": "fr"}).content.decode()
    assert "What is on fire?" in page
