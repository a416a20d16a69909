"""Contests leave the quizzes app for their own (contests/0001 takes the models over, tables and
rows unchanged): here they leave the quizzes app's migration state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("quizzes", "0007_attempt_person_at_start"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            # The models that point at others first.
            state_operations=[
                migrations.DeleteModel(name="SuspicionFlag"),
                migrations.DeleteModel(name="Prize"),
                migrations.DeleteModel(name="Standing"),
                migrations.DeleteModel(name="RankBucket"),
                migrations.DeleteModel(name="UnitStanding"),
                migrations.DeleteModel(name="ContestStanding"),
                migrations.DeleteModel(name="Prediction"),
                migrations.DeleteModel(name="Round"),
                migrations.DeleteModel(name="Contest"),
            ],
        ),
    ]
