"""One way to name a person or a rated thing wherever it is listed, ranked, filtered or exported,
so that two of them are never confused (issue 21, item 4): an agency has eight "Kaunter 3" and
three officers called alike. A counter (service, facility) carries its premise; an officer carries
their home premise (the premise of their own rating target) and their staff number, or, without
one, the local part of their e-mail (unique, unlike a name).

    officer_label(name, premise=..., staff_number=..., email=...)   "Aminah (JPN Putrajaya · 01234)"
    target_label(name, premise)                                     "Kaunter 3 (JPN Putrajaya)"
    officer_labels(ids), target_labels(ids)                          {id: label}, one query each
"""
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce, Concat, Left, NullIf, StrIndex
from django_scopes import scopes_disabled

from erating.base.models import Target, User
from erating.base.models.bilingual import pick


def local_part(email):
    return (email or "").split("@", 1)[0]


def officer_label(name, *, premise="", staff_number="", email=""):
    extra = " · ".join(x for x in (premise, staff_number or local_part(email)) if x)
    return f"{name} ({extra})" if extra else name


def target_label(name, premise=""):
    return f"{name} ({premise})" if premise else name


def officer_labels(ids):
    """{user id: label} of these officers (names are read unscoped: the ids come from scoped rows)."""
    with scopes_disabled():
        rows = User.objects.filter(pk__in=list(ids)).values_list(
            "pk", "full_name", "staff_number", "email", "officer_target__premise__name")
        return {pk: officer_label(name, premise=premise or "", staff_number=staff, email=email)
                for pk, name, staff, email, premise in rows}


def target_labels(ids):
    """{target id: label}: an officer's own target is labelled as that officer."""
    return {pk: label for pk, (label, _officer) in labelled_targets(ids).items()}


def labelled_targets(ids):
    """{target id: (label, officer id or None)}: the labels and whose own target each is, in one query."""
    with scopes_disabled():
        rows = Target.objects.filter(pk__in=list(ids)).values_list(
            "pk", "name", "name_en", "premise__name", "officer_id", "officer__staff_number", "officer__email")
        out = {}
        for pk, name, name_en, premise, officer, staff, email in rows:
            shown = pick(name, name_en)
            out[pk] = (officer_label(shown, premise=premise, staff_number=staff or "", email=email)
                       if email else target_label(shown, premise), officer)
        return out


def officer_label_sql(prefix="officer"):
    """officer_label as a database expression over a relation to User (row-level reports, one
    SELECT): the name and the staff number or the e-mail's first part; the row's premise is in a
    column of its own. Empty where the row has no officer."""
    email = F(f"{prefix}__email")
    ident = Coalesce(NullIf(F(f"{prefix}__staff_number"), Value("")), Left(email, StrIndex(email, Value("@")) - 1))
    return Case(When(**{f"{prefix}__isnull": True}, then=Value("")),
                default=Concat(F(f"{prefix}__full_name"), Value(" ("), ident, Value(")"), output_field=CharField()),
                output_field=CharField())


def label_officers(users):
    """Set `.label` on each User of an iterable (drop-downs); returns them as a list."""
    users = list(users)
    labels = officer_labels(u.pk for u in users)
    for u in users:
        u.label = labels.get(u.pk, u.full_name)
    return users
