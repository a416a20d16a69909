"""Existing contests keep the number of individual prizes they had: the first three places become
a first, a second and a third prize, any more consolation prizes."""

from django.db import migrations


def fill(apps, schema_editor):
    Contest = apps.get_model("contests", "Contest")
    for contest in Contest.objects.all():
        n = contest.individual_prizes
        contest.first_prizes, contest.second_prizes, contest.third_prizes = (int(n >= 1), int(n >= 2), int(n >= 3))
        contest.consolation_prizes = max(0, n - 3)
        contest.save(update_fields=["first_prizes", "second_prizes", "third_prizes", "consolation_prizes"])


class Migration(migrations.Migration):
    dependencies = [("contests", "0002_contest_authoring_settings")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
