"""The settings screen: admins only, clear validation messages, every edit audited and shown in the history."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.escalation.models import Contact, Delivery, OnCallOverride, OnCallSlot
from apps.escalation.selectors import on_call_at

pytestmark = pytest.mark.django_db
URL = "/settings/escalation/"


@pytest.mark.parametrize("who", ["supervisor", "manager", "display", "stranger"])
def test_only_admins_open_the_settings(client, request, who, sites):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, sites):
    assert client.get(URL).status_code == 302


def test_the_page_shows_who_is_on_call_contacts_the_week_with_gaps_and_policies(client, admin_user, policy):
    client.force_login(admin_user)
    page = client.get(URL, {"site": "BRU"}).content.decode()
    assert "Ann Early" in page and "Ben Late" in page
    assert "Gap: nobody on call for 18 shift(s) a week" in page  # 21 shifts a week, 3 covered (Wednesday)
    assert "30 min after the case opened, unowned: Lea Lead" in page


def test_an_admin_edits_a_contact_and_the_history_says_from_what_to_what(client, admin_user, contacts):
    client.force_login(admin_user)
    ann = contacts["ann"]
    form = {"name": "Ann Early", "role": "supervisor", "email": "ann.desk@example.com", "is_active": "on"}
    assert client.post(f"{URL}contacts/{ann.pk}/", form).status_code == 302
    assert Contact.objects.get(pk=ann.pk).email == "ann.desk@example.com"
    page = client.get(URL, {"site": "BRU"}).content.decode()
    assert "ann@example.com → ann.desk@example.com" in page and "ada.admin" in page


def test_a_chat_webhook_s_secret_path_stays_out_of_the_history(client, admin_user, contacts):
    client.force_login(admin_user)
    ann = contacts["ann"]
    secret_url = "https://hooks.slack.com/services/T000/B000/s3cr3t-token"
    form = {"name": "Ann Early", "role": "supervisor", "email": "ann@example.com", "chat_webhook_url": secret_url}
    client.post(f"{URL}contacts/{ann.pk}/", {**form, "is_active": "on"})
    assert Contact.objects.get(pk=ann.pk).chat_webhook_url == secret_url
    page = client.get(URL, {"site": "BRU"}).content.decode()
    assert "https://hooks.slack.com/…" in page and "s3cr3t-token" not in page


def test_an_email_that_is_not_one_comes_back_with_a_message(client, admin_user, contacts):
    client.force_login(admin_user)
    form = {"name": "Ann Early", "role": "supervisor", "email": "ann-at-example", "is_active": "on"}
    answer = client.post(f"{URL}contacts/{contacts['ann'].pk}/", form)
    assert answer.status_code == 200
    assert "Enter a valid email address." in answer.content.decode()
    assert Contact.objects.get(pk=contacts["ann"].pk).email == "ann@example.com"


def test_a_supervisor_cannot_edit_a_contact_by_posting_to_its_url(client, stranger, contacts):
    client.force_login(stranger)
    assert client.post(f"{URL}contacts/{contacts['ann'].pk}/", {"name": "x"}).status_code == 403


def test_the_test_button_sends_on_each_channel_and_records_the_result(client, admin_user, contacts, chat):
    client.force_login(admin_user)
    answer = client.post(f"{URL}contacts/{contacts['ben'].pk}/test/", follow=True)
    assert [message.to for message in mail.outbox] == [["ben@example.com"]]
    assert len(chat.received) == 1
    assert set(Delivery.objects.values_list("channel", "ok")) == {("email", True), ("chat", True)}
    assert "Test chat webhook to" in answer.content.decode()


def test_the_test_button_is_a_post(client, admin_user, contacts):
    client.force_login(admin_user)
    assert client.get(f"{URL}contacts/{contacts['ann'].pk}/test/").status_code == 405


def test_putting_someone_on_call_fills_the_week(client, admin_user, contacts):
    client.force_login(admin_user)
    body = {
        "site": "BRU",
        "role": "supervisor",
        "weekday": 1,
        "shift_name": "Night shift",
        "contact": contacts["ben"].pk,
    }
    client.post(f"{URL}calendar/", body)
    assert OnCallSlot.objects.get(weekday=1, shift_name="Night shift").contact == contacts["ben"]


def test_the_wall_shows_who_is_on_call_and_a_gap(client, supervisor, calendar, monkeypatch):
    """The default board includes the on-call strip: Ann on Wednesday's early shift, nobody for managers."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    lea = Contact.objects.get(name="Lea Lead")
    OnCallOverride.objects.create(
        site=calendar,
        role="manager",
        contact=lea,
        starts_at=datetime(2026, 3, 5, tzinfo=UTC),
        ends_at=datetime(2026, 3, 6, tzinfo=UTC),
    )
    client.force_login(supervisor)
    page = client.get("/wall/BRU/").content.decode()
    assert 'id="strip-on_call-BRU"' in page
    strip = page[page.index('id="strip-on_call-BRU"') :]
    assert "Ann Early" in strip and "▲ nobody" in strip


def test_a_cover_is_typed_in_the_site_s_local_time_and_wins_over_the_calendar(client, admin_user, calendar, contacts):
    client.force_login(admin_user)
    body = {
        "site": "BRU",
        "role": "supervisor",
        "contact": contacts["ben"].pk,
        "starts_at": "2026-03-04T08:00",  # Brussels, UTC+1 in March
        "ends_at": "2026-03-04T12:00",
        "note": "I cover Wednesday morning",
    }
    client.post("/settings/escalation/overrides/", body)
    cover = OnCallOverride.objects.get()
    assert cover.starts_at == datetime(2026, 3, 4, 7, 0, tzinfo=UTC)
    assert on_call_at(calendar, "supervisor", datetime(2026, 3, 4, 9, 0, tzinfo=UTC)).contact == contacts["ben"]
    backwards = {**body, "starts_at": "2026-03-04T12:00", "ends_at": "2026-03-04T08:00"}
    page = client.post("/settings/escalation/overrides/", backwards, follow=True).content.decode()
    assert "The cover must end after it starts." in page


def test_rotations_holidays_and_policy_rules_are_set_on_the_screen_with_clear_refusals(
    client, admin_user, contacts, policy
):
    client.force_login(admin_user)
    rotation = {"site": "BRU", "role": "supervisor", "name": "Supervisors", "period": "week", "starts_on": "2026-03-02"}
    response = client.post(f"{URL}rotations/", {**rotation, "person": [contacts["ann"].pk, contacts["lea"].pk + 999]})
    assert "must be a contact of this site" in client.get(response.url).content.decode()
    client.post(f"{URL}rotations/", {**rotation, "person": [contacts["ann"].pk, "", contacts["ben"].pk]})
    ahead = (timezone.now() + timedelta(days=30)).date().isoformat()  # the screen lists holidays still ahead
    client.post(f"{URL}holidays/", {"site": "BRU", "date": ahead, "name": "Christmas Day"})
    response = client.post(f"{URL}policies/{policy.pk}/rules/", {"repeat_every_min": "15", "repeat_limit": ""})
    assert "needs both an interval" in client.get(response.url).content.decode()
    client.post(f"{URL}policies/{policy.pk}/rules/", {"quiet_start": "22:00", "quiet_end": "06:00"})
    page = client.get(URL, {"site": "BRU"}).content.decode()
    assert "Ann Early → Ben Late" in page
    assert "Christmas Day" in page
    assert 'value="22:00"' in page
    assert "rotation changed" in page.lower() and "holiday added" in page.lower() and "policy changed" in page.lower()


def test_a_policy_level_nobody_can_be_reached_by_is_warned_on_the_screen(client, admin_user, contacts, policy):
    client.force_login(admin_user)
    contacts["lea"].is_active = False
    contacts["lea"].save()
    Contact.objects.filter(role="supervisor").update(email="", chat_webhook_url="")
    page = client.get(URL, {"site": "BRU"}).content.decode()
    assert "level 1: nobody with the role Shift supervisor can be reached at this site." in page
    assert "level 2: Lea Lead cannot be reached." in page
