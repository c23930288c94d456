import pytest
from django_scopes import ScopeError, scope

from erating.base.models import Premise, Rating, Target
from erating.base.scoping import dimensions_for


@pytest.mark.django_db
def test_it_refuses_tenant_queries_without_scope(world):
    with pytest.raises(ScopeError):
        list(Rating.objects.all())
    with pytest.raises(ScopeError):
        Premise.objects.count()


def test_it_limits_agency_admin_to_own_agency(world):
    with scope(**dimensions_for(world.home.admin)):
        assert set(Premise.objects.values_list("agency_id", flat=True)) == {world.home.agency.id}
        assert Rating.objects.count() == len(world.home.ratings)
        assert not Target.objects.filter(pk=world.other.counter.pk).exists()


def test_it_limits_supervisor_to_supervised_premises(world):
    with scope(**dimensions_for(world.home.supervisor)):
        assert list(Premise.objects.values_list("pk", flat=True)) == [world.home.premise.pk]
        assert set(Rating.objects.values_list("premise_id", flat=True)) == {world.home.premise.pk}


def test_it_limits_officer_to_own_ratings(world):
    with scope(**dimensions_for(world.home.officer)):
        ratings = list(Rating.objects.all())
        assert ratings and all(r.officer_id == world.home.officer.id for r in ratings)
        assert list(Target.objects.all()) == [world.home.officer_target]


def test_it_gives_system_admin_everything(world):
    with scope(**dimensions_for(world.sysadmin)):
        assert Rating.objects.count() == len(world.home.ratings) + len(world.other.ratings)


def test_it_gives_inactive_users_nothing(world):
    world.home.admin.is_active = False
    with scope(**dimensions_for(world.home.admin)), pytest.raises(ScopeError):
        Rating.objects.count()
