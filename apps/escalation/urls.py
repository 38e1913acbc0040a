from django.urls import path

from apps.escalation import views

app_name = "escalation"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("contacts/new/", views.contact_edit, name="contact-new"),
    path("contacts/<int:contact_id>/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:contact_id>/test/", views.contact_test, name="contact-test"),
    path("calendar/", views.slot_set, name="slot-set"),
    path("overrides/", views.override_add, name="override-add"),
    path("rotations/", views.rotation_save, name="rotation-set"),
    path("holidays/", views.holiday_save, name="holiday-add"),
    path("holidays/remove/", views.holiday_delete, name="holiday-remove"),
    path("policies/<int:policy_id>/rules/", views.policy_rules, name="policy-rules"),
]
