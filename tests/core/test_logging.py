"""The text log format keeps the fields passed as `extra`, as the JSON format does."""

import logging
import sys

from django.conf import settings

from apps.core.logging import KeyValueFormatter


def _record(msg: str = "sync finished", exc_info=None, **extra) -> logging.LogRecord:
    logger = logging.getLogger("apps.mirror.sync")
    return logger.makeRecord(logger.name, logging.INFO, __file__, 1, msg, (), exc_info, extra=extra)


def test_text_format_is_the_key_value_formatter():
    text = settings.LOGGING["formatters"]["text"]
    assert text["()"] == "apps.core.logging.KeyValueFormatter"


def test_extra_fields_are_appended_as_key_value_pairs():
    line = KeyValueFormatter("%(levelname)s %(name)s: %(message)s").format(
        _record(model="stock.picking", rows=40, error="Odoo unreachable")
    )
    assert line == "INFO apps.mirror.sync: sync finished error='Odoo unreachable' model=stock.picking rows=40"


def test_a_line_without_extra_fields_is_unchanged():
    assert KeyValueFormatter("%(message)s").format(_record()) == "sync finished"


def test_the_traceback_stays_below_the_fields():
    try:
        raise ValueError("bad row")
    except ValueError:
        record = _record("row rejected", exc_info=sys.exc_info(), odoo_id=7)
    first, *rest = KeyValueFormatter("%(message)s").format(record).splitlines()
    assert first == "row rejected odoo_id=7"
    assert rest[-1] == "ValueError: bad row"


def test_an_extra_that_is_also_the_message_arguments_is_not_repeated():
    # Celery logs a task's fields as the message's arguments and again as extra `data`.
    fields = {"name": "live.publish_pulse", "id": "2530d439"}
    logger = logging.getLogger("celery.app.trace")
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        __file__,
        1,
        "Task %(name)s[%(id)s] succeeded",
        (fields,),
        None,
        extra={"data": fields},
    )
    assert KeyValueFormatter("%(message)s").format(record) == "Task live.publish_pulse[2530d439] succeeded"
