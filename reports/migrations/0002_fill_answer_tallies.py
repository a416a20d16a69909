from django.db import migrations


def fill(apps, schema_editor) -> None:
    # The same rebuild as `manage.py rebuild_report_tallies`, on the historical models.
    from reports.tallies import tallies_rebuild

    tallies_rebuild(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_answer_tallies"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
