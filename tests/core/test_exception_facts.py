"""The exception-facts registry: a fact speaks the one severity vocabulary, and a source's change
reaches whoever judges facts only once its transaction commits."""

import pytest

from apps.core.exception_facts import FACTS_CHANGED, ExceptionFact, facts_changed


def test_a_fact_with_a_severity_outside_the_vocabulary_is_refused():
    ExceptionFact(kind="dock_no_show", subject_id=1, site_code="BRU", severity="high", title="No-show")
    with pytest.raises(ValueError, match="Unknown severity 'urgent'"):
        ExceptionFact(kind="dock_no_show", subject_id=1, site_code="BRU", severity="urgent", title="No-show")


@pytest.mark.django_db
def test_a_change_is_told_after_the_commit(django_capture_on_commit_callbacks):
    heard = []

    def listener(source: str, site_code: str) -> None:
        heard.append((source, site_code))

    FACTS_CHANGED.register(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            facts_changed(source="docks", site_code="BRU")
            assert heard == []  # not before the commit
        assert len(callbacks) == 1 and heard == [("docks", "BRU")]
    finally:
        FACTS_CHANGED.unregister(listener)
