from urllib.parse import urlencode

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from contests.models import Round
from contests.sharing import share_links


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The page a Zalo link or the commune's site leads to: the open round first (time left, one
    button to take part, share links), then what the platform is."""
    context = {}
    round_ = Round.objects.open_now().select_related("contest").first()
    if round_ is not None:
        contest = round_.contest
        start = reverse("contests:round_start", args=[contest.slug, round_.number])
        share_url = request.build_absolute_uri(reverse("contests:contest_detail", args=[contest.slug]))
        context = {
            "open_round": round_,
            "contest": contest,
            # A newcomer registers first (the register page links to log in), then lands on the start.
            "take_part_url": start if request.user.is_authenticated
            else f"{reverse('accounts:register')}?{urlencode({'next': start}, safe='/')}",
            "login_url": f"{reverse('accounts:login')}?{urlencode({'next': start}, safe='/')}",
            "share_url": share_url,
            "share_links": share_links(share_url),
        }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
