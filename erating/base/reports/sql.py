"""Report columns computed by the database, in the report's language: a name in BM or EN, a
choice's label, a score's caption, a rating's reasons as text. They let a row-level report be
one SELECT (reports/detail.py), which PostgreSQL can stream as CSV by itself."""
from django.db import connection
from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf

from erating.base.models import FollowUpReason, Rating, ScoreCaption
from erating.base.models.settings import DEFAULT_CAPTIONS


def pick_sql(ctx, ms, en):
    """The name in the report's language, the other one where it is empty (as common.pick)."""
    first, second = (en, ms) if ctx.language == "en" else (ms, en)
    return Coalesce(NullIf(F(first), Value("")), NullIf(F(second), Value("")), Value(""))


def label_sql(field, choices):
    return Case(*[When(**{field: key}, then=Value(str(label))) for key, label in choices.items()],
                default=F(field), output_field=CharField())


def caption_sql(ctx):
    """The agency's own caption of the score, else the default one (as common.caption_for)."""
    lang = "en" if ctx.language == "en" else "ms"
    own = ScoreCaption.objects.filter(agency=OuterRef("agency_id"), score=OuterRef("score"))
    defaults = Case(*[When(score=score, then=Value(en if lang == "en" else ms))
                      for score, (ms, en) in DEFAULT_CAPTIONS.items()], output_field=CharField())
    return Coalesce(NullIf(Subquery(own.values(f"caption_{lang}")[:1]), Value("")), defaults)


def reasons_sql(ctx):
    """The rating's reasons as "first; second" in the report's language, in the order chosen."""
    first, second = ("text_en", "text_ms") if ctx.language == "en" else ("text_ms", "text_en")
    rating, reason = Rating._meta.db_table, FollowUpReason._meta.db_table
    text = f"COALESCE(NULLIF(f.{first}, ''), NULLIF(f.{second}, ''), x.id)"
    if connection.vendor == "postgresql":
        sql = (f"SELECT COALESCE(string_agg({text}, '; ' ORDER BY x.ord), '') FROM "
               f"jsonb_array_elements_text({rating}.reasons) WITH ORDINALITY AS x(id, ord) "
               f"LEFT JOIN {reason} f ON f.id = x.id::bigint")
    else:
        sql = (f"SELECT COALESCE(group_concat(t, '; '), '') FROM (SELECT {text} AS t FROM "
               f"(SELECT CAST(value AS text) AS id, key FROM json_each({rating}.reasons)) x "
               f"LEFT JOIN {reason} f ON f.id = x.id ORDER BY x.key)")
    return RawSQL(f"({sql})", (), output_field=CharField())
