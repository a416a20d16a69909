"""The cluster checks' data, written into the running cluster's database (tests/cluster/), in the
cluster's own environment (its DATABASE_URL and settings):

    python -m tests.cluster.seed seed N   # an open round taken through the API by N residents
                                          # with tokens; residents who log in with a password;
                                          # a round that has ended, taken by ten people: JSON
    python -m tests.cluster.seed request  # queue the ended round's close as the page does; its id
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

import django

django.setup()

from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import UnitKind, User  # noqa: E402
from accounts.roles import Role, assign_role  # noqa: E402
from tests.contests.helpers import make_contest, make_round, take  # noqa: E402
from tests.factories import PASSWORD, make_unit, make_user  # noqa: E402

ENDED = "cum-ket-thuc"  # the ended round's contest: closed by a task worker that is killed
PASSWORD_PEOPLE = 12


def seed(count: int) -> dict:
    now = timezone.now().replace(microsecond=0)
    commune = make_unit("Xã Cụm Thử", kind=UnitKind.COMMUNE)
    village = make_unit("Thôn Cụm", kind=UnitKind.VILLAGE, parent=commune, headcount=count + 40)
    # Three attempts allowed: a start repeated by a retry could make a second one, which the checks count.
    open_round = make_round(make_contest(slug="cum-dang-mo"), questions=8, attempts_allowed=3)
    tokens = []
    for n in range(count):
        person = User.objects.create_user(f"0960{n:06d}", None, full_name="Người dự thi cụm", unit=village)
        assign_role(person, Role.RESIDENT)
        tokens.append(Token.objects.create(user=person).key)
    logins = [make_user(role=Role.RESIDENT, unit=village).phone for _ in range(PASSWORD_PEOPLE)]

    ended = make_round(make_contest(slug=ENDED, individual_prizes=2, unit_prizes=1),
                       opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1))
    for n in range(10):
        user = make_user(role=Role.RESIDENT, unit=village, full_name=f"Người Cụm {n}", show_on_leaderboard=n % 2 == 0)
        take(ended, user, correct=n % 3, seconds=30 + n % 4, started=now - timedelta(days=2), prediction=n)
    return {"quiz": open_round.quiz_id, "tokens": tokens, "logins": logins, "password": PASSWORD,
            "ended_contest": ENDED}


def request() -> int:
    from contests.closing import round_close_request
    from contests.models import Round

    return round_close_request(round_=Round.objects.get(contest__slug=ENDED), actor=None,
                               override_reason="thử nghiệm cụm").pk


if __name__ == "__main__":
    command = sys.argv[1]
    print(json.dumps(seed(int(sys.argv[2])) if command == "seed" else request()))
