from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from erating.base.models import Premise, Rating
from erating.base.services import stats

from ..permissions import ANALYSTS, role_required


@role_required(*ANALYSTS)
def premise_list(request):
    premises = Premise.objects.select_related("agency")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        premises = premises.filter(name__icontains=query)
    page = Paginator(premises, 25).get_page(request.GET.get("page"))
    return render(request, "control/premises/list.html", {"page": page, "q": query})


@role_required(*ANALYSTS)
def premise_detail(request, premise_id):
    premise = get_object_or_404(Premise.objects.select_related("agency"), pk=premise_id)
    ratings = Rating.objects.filter(premise=premise, flagged=False)
    context = {
        "premise": premise,
        "targets": premise.targets.all(),
        "summary": stats.summary(ratings),
        "ranking": stats.ranked(ratings, "target_id", "target__name"),
    }
    return render(request, "control/premises/detail.html", context)
