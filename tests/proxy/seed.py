"""The proxy check's data, in the throwaway database the servers use (tests/proxy/conftest.py):

    python -m tests.proxy.seed seed N     # migrate; one open round, N residents with API tokens,
                                          # one resident who logs in with a password; prints JSON
    python -m tests.proxy.seed report     # prints {token: address recorded on the attempt}
"""

from __future__ import annotations

import json
import sys

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import UnitKind, User  # noqa: E402
from accounts.roles import Role, assign_role  # noqa: E402
from quizzes.models import Attempt  # noqa: E402
from tests.contests.helpers import make_round  # noqa: E402
from tests.factories import PASSWORD, make_unit, make_user  # noqa: E402


def seed(count: int) -> dict:
    call_command("migrate", verbosity=0)
    round_ = make_round(attempts_allowed=1)
    village = make_unit("Thôn Một", kind=UnitKind.VILLAGE, headcount=count)
    tokens = []
    for n in range(count):
        # No password: these people only use their token (a password hash costs ~0.3 s each).
        person = User.objects.create_user(f"0970{n:06d}", None, full_name="Người dự thi", unit=village)
        assign_role(person, Role.RESIDENT)
        tokens.append(Token.objects.create(user=person).key)
    login = make_user(role=Role.RESIDENT, unit=village)
    return {"quiz": round_.quiz_id, "tokens": tokens, "login": {"phone": login.phone, "password": PASSWORD}}


def report() -> dict:
    return dict(Attempt.objects.values_list("user__auth_token__key", "client_ip"))


if __name__ == "__main__":
    command = sys.argv[1]
    print(json.dumps(seed(int(sys.argv[2])) if command == "seed" else report()))
