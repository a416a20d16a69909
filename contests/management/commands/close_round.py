from django.core.management.base import BaseCommand, CommandError

from contests.closing import open_flags, round_close
from contests.errors import FlagsUndecided
from contests.models import Round
from quizzes.services.errors import QuizError


class Command(BaseCommand):
    help = ("Compute a contest round's final ranking, prizes and snapshot (after the round has ended), in this "
            "process, through the same steps as the participation page's background task. Refused while a "
            "suspicion flag of the round is undecided, unless --override-reason says why. Running it again "
            "gives the same result and the same hash.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("contest", help="the contest's slug")
        parser.add_argument("number", type=int, help="the round's number")
        parser.add_argument("--override-reason", default="",
                            help="award the prizes although some suspicion flags are undecided (audit log)")

    def handle(self, *args, contest: str, number: int, override_reason: str, **options) -> None:
        round_ = Round.objects.select_related("contest").filter(contest__slug=contest, number=number).first()
        if round_ is None:
            raise CommandError(f"No round {number} in a contest with the slug {contest!r}.")
        try:
            round_ = round_close(round_=round_, override_reason=override_reason)
        except FlagsUndecided as exc:
            undecided = "\n".join(f"  flag {flag.pk}: {flag.kind}, {flag.user.full_name}"
                                  for flag in open_flags(round_))
            raise CommandError(f"{exc.message}\n{undecided}") from None
        except QuizError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"actual figure: {round_.actual_figure}")
        self.stdout.write(f"participants: {round_.standings.count()}")
        self.stdout.write(f"snapshot: {round_.snapshot_name}")
        self.stdout.write(f"sha256: {round_.snapshot_sha256}")
