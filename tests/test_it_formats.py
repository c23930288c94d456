"""Issue 24 item 12: BM pages show the 24-hour clock ("15:53"), never "3:53 malam"."""
import datetime

from django.template import Context, Template
from django.utils import translation


def test_it_shows_24_hour_time_in_malay():
    when = datetime.datetime(2026, 12, 5, 15, 53)
    template = Template('{{ t|time }}|{{ t|date:"DATETIME_FORMAT" }}|{{ t|date:"SHORT_DATETIME_FORMAT" }}|{{ t }}')
    with translation.override("ms"):
        shown = template.render(Context({"t": when}))
    assert shown == "15:53|5 Dis 2026, 15:53|05/12/2026 15:53|5 Dis 2026, 15:53", shown
    assert "malam" not in shown and "ptg" not in shown
