from django.core.management.base import BaseCommand, CommandError

from contests.models import Round
from contests.suspicion import round_flags_compute


class Command(BaseCommand):
    help = ("Look for suspicious attempts in a contest round (perfect and implausibly fast, many accounts "
            "from one device, identical answers with near-identical timings) and put them in the organisers' "
            "review queue. Running it again keeps every decision already taken.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("round", type=int, metavar="ROUND",
                            help="the round's id (shown in the admin and the review queue)")

    def handle(self, *args, **options) -> None:
        round_id = options["round"]
        round_ = Round.objects.select_related("contest").filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"No round with the id {round_id}.")
        counts = round_flags_compute(round_=round_)
        for kind, n in counts.items():
            self.stdout.write(f"{kind}: {n} open")
