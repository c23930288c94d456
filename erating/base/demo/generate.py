"""Generates a realistic demo tenant set and a year of ratings with daily, weekly and seasonal rhythm.

Ratings have the one writer's row shape (rating_writer.COLUMNS) and are loaded by its bulk path
(COPY on PostgreSQL) so that millions load in minutes.
"""

import random
import uuid
from datetime import UTC, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django_scopes import scopes_disabled

from erating.base.analysis import aggregates
from erating.base.catalogue.onboarding import create_agency
from erating.base.demo import names as cat
from erating.base.identity import account_key
from erating.base.ingest import writer as rating_writer
from erating.base.models import Agency, FollowUpReason, Ministry, OfficerCounter, Premise, Rating, Target, User

DEMO_PASSWORD = "eRating-demo-2026"
MYT = ZoneInfo("Asia/Kuala_Lumpur")

# Office hours in local time with morning and early-afternoon peaks and a lunch dip.
HOUR_WEIGHT = {8: 0.6, 9: 1.0, 10: 1.3, 11: 1.25, 12: 0.8, 13: 0.45, 14: 1.1, 15: 1.15, 16: 0.8, 17: 0.25}
WEEKDAY_WEIGHT = [1.1, 1.0, 1.0, 1.0, 0.75, 0.12, 0.02]  # Mon..Sun
MONTH_WEIGHT = {1: 1.2, 2: 1.0, 3: 1.15, 4: 1.1, 5: 0.95, 6: 0.9, 7: 1.0, 8: 1.0, 9: 1.0, 10: 1.05, 11: 1.0, 12: 0.8}


def logins():
    return {
        User.SYSTEM_ADMIN: "admin@erating.gov.my",
        User.AGENCY_ADMIN: "admin@jpn.gov.my",
        User.SUPERVISOR: "penyelia@jpn.gov.my",
        User.OFFICER: "petugas@jpn.gov.my",
    }


class DemoBuilder:
    def __init__(self, premises=50, ratings=100_000, seed=2026, days=365, stdout=None):
        self.premise_target = premises
        self.rating_count = ratings
        self.rng = random.Random(seed)
        self.days = days
        self.log = stdout.write if stdout else (lambda *_: None)
        self.password_hash = make_password(DEMO_PASSWORD)

    def build(self):
        with scopes_disabled(), transaction.atomic():
            self._tenants()
        with scopes_disabled():
            started = timezone.now()
            with transaction.atomic():
                written = self._ratings()
                took = (timezone.now() - started).total_seconds()
                self.log(f"ratings: {written} in {took:.1f}s\n")
                # The bulk load bypasses the writer: the analysis aggregates are built in one pass.
                started = timezone.now()
                span = Rating.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
                if span["first"] is not None:
                    aggregates.rebuild(span["first"].astimezone(aggregates.MYT).date(),
                                       span["last"].astimezone(aggregates.MYT).date())
            took = (timezone.now() - started).total_seconds()
            self.log(f"analysis aggregates in {took:.1f}s\n")
        return written

    # -- tenants -------------------------------------------------------------------------
    def _tenants(self):
        rng = self.rng
        User.objects.create_user(logins()[User.SYSTEM_ADMIN], DEMO_PASSWORD, full_name="Pentadbir Sistem eRating",
                                 role=User.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
        agencies = []
        for m_code, m_ms, m_en, agency_rows in cat.MINISTRIES:
            ministry = Ministry.objects.create(code=m_code, name_ms=m_ms, name_en=m_en)
            for code, name_ms, name_en, short, services in agency_rows:
                agency = create_agency(ministry=ministry, code=code, name_ms=name_ms, name_en=name_en)
                if code == "jdn":  # one agency shows the 3-smiley form
                    agency.form_size = 3
                    agency.save(update_fields=["form_size"])
                agencies.append((agency, short, services))
        places = [(state, town) for state, towns in cat.TOWNS for town in towns]
        rng.shuffle(places)
        self.targets = []  # (target id, agency id, premise id, officer id, medium, traffic, cum_weights)
        self.reasons = {a.id: list(FollowUpReason.objects.filter(agency=a).values_list("id", flat=True))
                        for a, _, _ in agencies}
        # Mostly QR, but every medium appears at least once whenever there are three or more premises.
        media = [Premise.QR] * 6 + [Premise.TABLET] * 2 + [Premise.BOTH] * 2
        plan = [Premise.QR, Premise.TABLET, Premise.BOTH][:self.premise_target]
        plan += [rng.choice(media) for _ in range(self.premise_target - len(plan))]
        rng.shuffle(plan)
        for i in range(self.premise_target):
            agency, short, services = agencies[i % len(agencies)]
            state, town = places[i % len(places)]
            suffix = f" {i // len(places) + 1}" if i >= len(places) else ""
            premise = Premise.objects.create(
                agency=agency, code=f"{agency.code}-{i + 1:03d}", name=f"{short} {town}{suffix}", state=state,
                address=f"Kompleks Kerajaan, {town}", medium=plan[i])
            self._premise_targets(agency, premise, services)
        self._people(agencies)
        self.log(f"tenants: {len(agencies)} agencies, {self.premise_target} premises, {len(self.targets)} targets\n")

    def _premise_targets(self, agency, premise, services):
        rng = self.rng
        targets = [Target(agency=agency, premise=premise, kind=Target.COUNTER, name=f"Kaunter {n}",
                          name_en=f"Counter {n}") for n in range(1, rng.randint(3, 8) + 1)]
        targets += [Target(agency=agency, premise=premise, kind=Target.SERVICE, name=s) for s in services]
        targets += [Target(agency=agency, premise=premise, kind=Target.FACILITY, name=f)
                    for f in rng.sample(cat.FACILITIES, 2)]
        Target.objects.bulk_create(targets)
        officers, names = [], set()
        for n in range(rng.randint(3, 8)):
            name = cat.person_name(rng)
            while name in names:  # two namesakes on one tablet's list would look like a bug
                name = cat.person_name(rng)
            names.add(name)
            email = f"petugas.{premise.code}.{n + 1}@{agency.code}.gov.my"
            officers.append(User(email=email, email_key=account_key(email), full_name=name,
                                 role=User.OFFICER, agency=agency, password=self.password_hash))
        User.objects.bulk_create(officers)
        officers = list(User.objects.filter(email__startswith=f"petugas.{premise.code}."))
        officer_targets = [Target(agency=agency, premise=premise, kind=Target.OFFICER, name=o.full_name, officer=o)
                           for o in officers]
        Target.objects.bulk_create(officer_targets)
        counters = list(Target.objects.filter(premise=premise, kind=Target.COUNTER))
        OfficerCounter.objects.bulk_create(
            OfficerCounter(agency=agency, officer=o, counter=c) for o in officers for c in rng.sample(counters, 2))
        for t in Target.objects.filter(premise=premise):
            # Quality varies by target: most are good, a few are clearly weaker.
            quality = min(max(rng.gauss(0.8, 0.1), 0.35), 0.97)
            weights = self._score_weights(quality)
            traffic = rng.lognormvariate(0, 0.8) * (0.25 if t.kind == Target.FACILITY else 1.0)
            officer_pool = [o.id for o in officers] if t.kind == Target.COUNTER else []
            self.targets.append((t.id, agency.id, premise.id, t.officer_id, premise.medium, traffic,
                                 list(accumulate(weights)), officer_pool))

    @staticmethod
    def _score_weights(quality):
        """Weights for scores 1..5: quality is roughly the share of 4s and 5s."""
        high, low = quality, 1 - quality
        return [low * 0.25, low * 0.35, low * 0.4, high * 0.45, high * 0.55]

    def _people(self, agencies):
        for agency, _, _ in agencies:
            email = f"admin@{agency.code}.gov.my"
            User.objects.create_user(email, None, full_name=f"Pentadbir {agency.code.upper()}",
                                     role=User.AGENCY_ADMIN, agency=agency)
            User.objects.filter(email=email).update(password=self.password_hash)
        jpn = Agency.objects.get(code="jpn")
        supervisor = User.objects.create(email=logins()[User.SUPERVISOR], full_name="Nor Azlina binti Kassim",
                                         role=User.SUPERVISOR, agency=jpn, password=self.password_hash)
        supervisor.premises.set(Premise.objects.filter(agency=jpn).order_by("id")[:2])
        first_premise = Premise.objects.filter(agency=jpn).order_by("id").first()
        officer = User.objects.create(email=logins()[User.OFFICER], full_name="Mohd Hafiz bin Rahman",
                                      role=User.OFFICER, agency=jpn, password=self.password_hash)
        officer.set_kiosk_pin("1234")
        officer.save(update_fields=["kiosk_pin"])
        target = Target.objects.create(agency=jpn, premise=first_premise, kind=Target.OFFICER, name=officer.full_name,
                                       officer=officer)
        counters = list(Target.objects.filter(premise=first_premise, kind=Target.COUNTER)[:2])
        OfficerCounter.objects.bulk_create(OfficerCounter(agency=jpn, officer=officer, counter=c) for c in counters)
        self.targets.append((target.id, jpn.id, first_premise.id, officer.id, first_premise.medium, 2.0,
                             list(accumulate(self._score_weights(0.88))), []))

    # -- ratings -------------------------------------------------------------------------
    def _slots(self):
        """Hourly slots over the period with their relative traffic, plus a gentle adoption trend."""
        now = timezone.now().astimezone(MYT).replace(minute=0, second=0, microsecond=0)
        start = now - timedelta(days=self.days)
        slots, weights = [], []
        t = start
        while t < now:
            w = HOUR_WEIGHT.get(t.hour, 0.0) * WEEKDAY_WEIGHT[t.weekday()] * MONTH_WEIGHT[t.month]
            if w:
                trend = 0.8 + 0.4 * (t - start).total_seconds() / (now - start).total_seconds()
                slots.append(t.astimezone(UTC))
                weights.append(w * trend)
            t += timedelta(hours=1)
        return slots, list(accumulate(weights))

    def _ratings(self):
        # Rows of the one writer's shape (rating_writer.COLUMNS), loaded in bulk; large loads
        # rebuild indexes and constraints once at the end (the table starts empty).
        return rating_writer.bulk_load(self._rating_rows(), rebuild=self.rating_count >= 50_000)

    def _rating_rows(self):
        rng = self.rng
        slots, slot_cw = self._slots()
        targets = self.targets
        target_cw = list(accumulate(t[5] for t in targets))
        scores = (1, 2, 3, 4, 5)
        n = self.rating_count
        chosen_slots = rng.choices(slots, cum_weights=slot_cw, k=n)
        chosen_targets = rng.choices(targets, cum_weights=target_cw, k=n)
        getrandbits, rand, choices, choice = rng.getrandbits, rng.random, rng.choices, rng.choice
        comments = cat.COMMENTS
        for i in range(n):
            target_id, agency_id, premise_id, officer_id, medium, _, score_cw, pool = chosen_targets[i]
            created = chosen_slots[i] + timedelta(seconds=getrandbits(12) % 3600)
            score = choices(scores, cum_weights=score_cw)[0]
            if medium == "both":
                channel = "qr" if rand() < 0.6 else "tablet"
            else:
                channel = "tablet" if medium == "tablet" else "qr"
            if officer_id is None and pool and rand() < 0.7:
                officer_id = choice(pool)
            reasons = []
            if score <= 2 and rand() < 0.8:
                agency_reasons = self.reasons[agency_id]
                reasons = rng.sample(agency_reasons, 1 + (rand() < 0.3))
            comment = ""
            if rand() < (0.25 if score <= 2 else 0.06):
                comment = choice(comments["low" if score <= 2 else "mid" if score == 3 else "high"])
            yield (agency_id, premise_id, target_id, officer_id, score, channel, reasons, comment,
                   False, "", "", "", created, created if channel == "tablet" else None, 0 if channel == "tablet" else None,
                   uuid.UUID(int=getrandbits(128), version=4), None, rand() < 0.003, "",
                   "en" if rand() < 0.15 else "ms")


def demo_exists():
    with scopes_disabled():
        return Agency.objects.exists()


