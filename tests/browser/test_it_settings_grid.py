"""The follow-up settings line up: on a desktop every field of a row has its label, its input (or
checkbox) and its help on shared lines whatever their lengths; on a phone the fields stand in one
column, flush left. Measured in Chromium, in BM and EN."""
import pytest

from erating.base.testing import log_in_page, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def world(transactional_db):
    return make_world()


def boxes(page):
    """For each card of the form: [(label box, control box), ...] of its fields."""
    return page.evaluate("""() => [...document.querySelectorAll('main form section.card')].map(card =>
        [...card.querySelectorAll('.field')].map(f => {
            const l = f.querySelector('label').getBoundingClientRect();
            const c = f.querySelector('input:not([type=hidden]), select').getBoundingClientRect();
            return {lx: l.left, lb: l.bottom, cx: c.left, cy: c.top + c.height / 2, ct: c.top};
        }))""")


@pytest.mark.parametrize("lang", ["en", "ms"])
def test_desktop_rows_line_up(world, new_page, lang):
    page = new_page(viewport=(1280, 900))
    log_in_page(page, world.home.admin, language=lang)
    page.goto("/control/followup/settings/")
    cards = boxes(page)
    assert len(cards) >= 4
    rows_seen = 0
    for fields in cards:
        rows = []
        for f in fields:  # in reading order, a field left of the one before starts a new row
            if not rows or f["lx"] <= rows[-1][-1]["lx"]:
                rows.append([])
            rows[-1].append(f)
        for row in rows:
            if len(row) < 2:
                continue
            rows_seen += 1
            assert max(f["lb"] for f in row) - min(f["lb"] for f in row) <= 1, row  # labels end on one line
            # inputs and checkboxes centred on one line, however many lines their labels take
            assert max(f["cy"] for f in row) - min(f["cy"] for f in row) <= 2, row
    assert rows_seen >= 4


@pytest.mark.parametrize("lang", ["en", "ms"])
def test_phone_is_one_aligned_column(world, new_page, lang):
    page = new_page(viewport=(390, 844))
    log_in_page(page, world.home.admin, language=lang)
    page.goto("/control/followup/settings/")
    for fields in boxes(page):
        assert len({round(f["lx"]) for f in fields}) == 1, fields  # one column, flush left
        tops = [f["ct"] for f in fields]
        assert tops == sorted(tops)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
