from django.db import migrations


class Migration(migrations.Migration):
    """Filled the first tallies from the attempts. Since 0005 the tallies are counted by
    `manage.py update_report_tallies` (reports.tallies), which recounts every day on its first
    run, so there is nothing left to fill here."""

    dependencies = [
        ("reports", "0001_answer_tallies"),
    ]

    operations = []
