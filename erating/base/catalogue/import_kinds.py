"""What each import kind accepts and writes. Codes and e-mails are matched case-insensitively;
an existing row (same premise code / same premise+type+name / same e-mail) is updated."""
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erating.base.catalogue.officers import bulk_create_officers
from erating.base.identity import ADDRESS_TAKEN, account_key, email_problem
from erating.base.models import Premise, Target, User
from erating.base.models.tenancy import STATES

SLUG = re.compile(r"^[-a-z0-9_]{1,40}$")
# A state is matched by code or name without the federal-territory prefix, letter case, spaces
# or dots ("Putrajaya", "WP Putrajaya", "Wilayah Persekutuan Putrajaya", "pjy"), and by the
# English and common short names people type in spreadsheets.
STATE_PREFIX = re.compile(r"^(wilayah persekutuan|federal territory( of)?|w\.?\s*p\.?)\s+")
STATE_ALIASES = {"penang": "PNG", "pinang": "PNG", "malacca": "MLK", "johore": "JHR", "negri sembilan": "NSN",
                 "kl": "KUL"}


def _state_key(text):
    text = " ".join(text.lower().replace(".", ". ").split())
    return re.sub(r"[^a-z0-9]", "", STATE_PREFIX.sub("", text))


STATE_LOOKUP = {**{_state_key(c): c for c, _n in STATES}, **{_state_key(n): c for c, n in STATES},
                **{_state_key(alias): c for alias, c in STATE_ALIASES.items()}}
MEDIUMS = {"qr": Premise.QR, "tablet": Premise.TABLET, "both": Premise.BOTH, "": Premise.QR}
KIND_WORDS = {"counter": Target.COUNTER, "kaunter": Target.COUNTER, "service": Target.SERVICE,
              "perkhidmatan": Target.SERVICE, "facility": Target.FACILITY, "fasiliti": Target.FACILITY,
              "kemudahan": Target.FACILITY}
LANGUAGES = {"": "ms", "ms": "ms", "bm": "ms", "melayu": "ms", "bahasa melayu": "ms", "malay": "ms",
             "en": "en", "english": "en", "bi": "en", "inggeris": "en", "bahasa inggeris": "en"}


class Rows:
    """Collects the errors of one row so every problem in it is reported at once."""

    def __init__(self, preview, row_error):
        self.preview, self.row_error, self.failed = preview, row_error, False

    def error(self, row, column, message):
        self.preview.errors.append(self.row_error(row, column, message))
        self.failed = True

    def text(self, row, values, column, max_length, required=True):
        value = values[column]
        if required and not value:
            self.error(row, column, _("This value is required."))
        elif len(value) > max_length:
            self.error(row, column, _("At most %(n)s characters (this has %(len)s).") % {"n": max_length, "len": len(value)})
        return value

    def plan(self, row, values, obj, fields):
        """Create when obj is None, update when a field differs, otherwise count as unchanged."""
        if obj is None:
            self.preview.creates.append({"row": row, "values": values})
            return
        changes = {f: [getattr(obj, f), values[f]] for f in fields if getattr(obj, f) != values[f]}
        if changes:
            self.preview.updates.append({"row": row, "values": values, "obj": obj, "changes": changes})
        else:
            self.preview.unchanged += 1


def _premises_by_code(agency):
    return {p.code.lower(): p for p in Premise.objects.filter(agency=agency)}


class PremiseKind:
    columns = ["code", "name", "state", "address", "medium"]

    def help(self):
        return [("code", gettext_lazy("Required. Short unique code of the premise: letters, digits, - and _.")),
                ("name", gettext_lazy("Required. Name of the premise.")),
                ("state", gettext_lazy("Required. State code (e.g. SGR) or name (e.g. Selangor).")),
                ("address", gettext_lazy("Optional.")),
                ("medium", gettext_lazy("qr, tablet or both (empty means qr)."))]

    def validate(self, agency, records, preview, row_error):
        existing, seen = _premises_by_code(agency), {}
        for row, v in records:
            r = Rows(preview, row_error)
            code = v["code"].lower()
            if not code:
                r.error(row, "code", _("This value is required."))
            elif not SLUG.match(code):
                r.error(row, "code", _("Use at most 40 letters, digits, hyphens or underscores."))
            elif code in seen:
                r.error(row, "code", _("Duplicate code “%(code)s”: also in row %(other)s.") % {"code": code, "other": seen[code]})
            name = r.text(row, v, "name", 200)
            state = STATE_LOOKUP.get(_state_key(v["state"])) if v["state"].strip() else None
            if state is None:
                r.error(row, "state", _("Unknown state “%(value)s”. Use one of: %(valid)s.")
                        % {"value": v["state"], "valid": ", ".join(f"{c} ({n})" for c, n in STATES)})
            address = r.text(row, v, "address", 1000, required=False)
            medium = MEDIUMS.get(v["medium"].lower())
            if medium is None:
                r.error(row, "medium", _("Use qr, tablet or both."))
            if r.failed:
                continue
            seen[code] = row
            values = {"code": code, "name": name, "state": state, "address": address, "medium": medium}
            r.plan(row, values, existing.get(code), ["name", "state", "address", "medium"])

    def write(self, agency, preview):
        Premise.objects.bulk_create([Premise(agency=agency, **c["values"]) for c in preview.creates], batch_size=2000)
        _apply_updates(Premise, preview.updates, ["name", "state", "address", "medium"])
        return []


def _apply_updates(model, updates, fields):
    objs = []
    for u in updates:
        for f in fields:
            setattr(u["obj"], f, u["values"][f])
        objs.append(u["obj"])
    if objs:
        model.objects.bulk_update(objs, fields, batch_size=1000)


class TargetKind:
    columns = ["premise_code", "kind", "name", "name_en"]

    def help(self):
        return [("premise_code", gettext_lazy("Required. Code of an existing premise.")),
                ("kind", gettext_lazy("Required. counter, service or facility (or kaunter, perkhidmatan, kemudahan).")),
                ("name", gettext_lazy("Required. Name in BM; with premise and type it identifies the row.")),
                ("name_en", gettext_lazy("Optional. Name in English."))]

    def validate(self, agency, records, preview, row_error):
        premises = _premises_by_code(agency)
        existing = {(t.premise_id, t.kind, t.name.lower()): t
                    for t in Target.objects.filter(agency=agency).exclude(kind=Target.OFFICER)}
        seen = {}
        for row, v in records:
            r = Rows(preview, row_error)
            premise = premises.get(v["premise_code"].lower())
            if premise is None:
                r.error(row, "premise_code", _("No premise with code “%(code)s”.") % {"code": v["premise_code"]})
            kind = KIND_WORDS.get(v["kind"].lower())
            if kind is None:
                r.error(row, "kind", _("Use counter, service or facility (officers have their own import)."))
            name = r.text(row, v, "name", 200)
            name_en = r.text(row, v, "name_en", 200, required=False)
            if r.failed:
                continue
            key = (premise.pk, kind, name.lower())
            if key in seen:
                r.error(row, "name", _("Duplicate of row %(other)s (same premise, type and name).") % {"other": seen[key]})
                continue
            seen[key] = row
            values = {"premise": premise, "premise_code": premise.code, "kind": kind, "name": name, "name_en": name_en}
            r.plan(row, values, existing.get(key), ["name", "name_en"])

    def write(self, agency, preview):
        Target.objects.bulk_create([
            Target(agency=agency, premise=c["values"]["premise"], kind=c["values"]["kind"], name=c["values"]["name"],
                   name_en=c["values"]["name_en"]) for c in preview.creates], batch_size=2000)
        _apply_updates(Target, preview.updates, ["name", "name_en"])
        return []


class OfficerKind:
    columns = ["email", "full_name", "premise_code", "language", "counters", "staff_number"]
    optional = ("staff_number",)

    def help(self):
        return [("email", gettext_lazy("Required. The officer's login; an invitation is sent to it.")),
                ("full_name", gettext_lazy("Required.")),
                ("premise_code", gettext_lazy("Required. Code of the officer's home premise (for the personal QR code).")),
                ("language", gettext_lazy("ms or en (empty means ms): the language of the invitation.")),
                ("counters", gettext_lazy("Optional. Names of counters at that premise, separated by ;")),
                ("staff_number", gettext_lazy("Optional. Tells apart officers of the same name in lists and reports; "
                                              "left empty, an officer keeps the staff number they have."))]

    def validate(self, agency, records, preview, row_error):
        premises = _premises_by_code(agency)
        counters = {}
        for t in Target.objects.filter(agency=agency, kind=Target.COUNTER):
            names = counters.setdefault(t.premise_id, {})
            names[t.name.lower()] = t
            if t.name_en:
                names.setdefault(t.name_en.lower(), t)
        keys = [account_key(v["email"]) for _row, v in records if v["email"]]
        accounts = {}  # by account key: a look-alike spelling finds the account it folds onto
        for start in range(0, len(keys), 2000):
            for u in User.objects.filter(email_key__in=keys[start:start + 2000]).select_related("officer_target"):
                accounts[u.email_key] = u
        seen = {}
        for row, v in records:
            r = Rows(preview, row_error)
            email = v["email"].lower()
            key = account_key(email)
            try:
                validate_email(email)
            except ValidationError:
                r.error(row, "email", _("“%(value)s” is not a valid e-mail address.") % {"value": v["email"]})
            else:
                if email_problem(v["email"]):
                    r.error(row, "email", email_problem(v["email"]))
                elif key in seen:
                    r.error(row, "email", _("Duplicate e-mail: also in row %(other)s.") % {"other": seen[key]})
            account = accounts.get(key)
            if account is not None and (account.agency_id != agency.pk or account.role != User.OFFICER):
                r.error(row, "email", str(ADDRESS_TAKEN))  # whoever holds it: no account oracle
            name = r.text(row, v, "full_name", 150)
            staff_number = r.text(row, {"staff_number": (v["staff_number"] or "").strip()}, "staff_number", 30,
                                  required=False)
            premise = premises.get(v["premise_code"].lower())
            if premise is None:
                r.error(row, "premise_code", _("No premise with code “%(code)s”.") % {"code": v["premise_code"]})
            language = LANGUAGES.get(v["language"].lower())
            if language is None:
                r.error(row, "language", _("Use ms or en."))
            links = []
            for wanted in filter(None, (c.strip() for c in v["counters"].split(";"))):
                counter = counters.get(premise.pk, {}).get(wanted.lower()) if premise else None
                if counter is None and premise is not None:
                    r.error(row, "counters", _("No counter named “%(name)s” at premise %(code)s.")
                            % {"name": wanted, "code": premise.code})
                elif counter is not None and counter not in links:
                    links.append(counter)
            if r.failed:
                continue
            seen[key] = row
            values = {"email": email, "full_name": name, "premise": premise, "premise_code": premise.code,
                      "language": language, "counters": links, "counter_ids": sorted(c.pk for c in links),
                      # An empty cell (or no column) keeps the number the officer has.
                      "staff_number": staff_number or (account.staff_number if account is not None else "")}
            if account is not None:
                target = getattr(account, "officer_target", None)
                account.premise = target.premise if target else None
                account.counter_ids = sorted(account.counter_links.values_list("counter_id", flat=True))
            r.plan(row, values, account, ["full_name", "language", "premise", "counter_ids", "staff_number"])

    def write(self, agency, preview):
        users = bulk_create_officers(agency, [c["values"] for c in preview.creates])
        for u in preview.updates:
            user, values = u["obj"], u["values"]
            user.full_name, user.language = values["full_name"], values["language"]
            user.staff_number = values["staff_number"]
            user.save(update_fields=["full_name", "language", "staff_number"])
            Target.objects.filter(officer=user).update(premise=values["premise"], name=values["full_name"])
            if not Target.objects.filter(officer=user).exists():
                Target.objects.create(agency=agency, premise=values["premise"], kind=Target.OFFICER,
                                      name=user.full_name, officer=user)
            user.counter_links.exclude(counter__in=values["counters"]).delete()
            have = set(user.counter_links.values_list("counter_id", flat=True))
            for counter in values["counters"]:
                if counter.pk not in have:
                    user.counter_links.create(agency=agency, counter=counter)
        return users


KINDS = {"premises": PremiseKind(), "targets": TargetKind(), "officers": OfficerKind()}
