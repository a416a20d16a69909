from django.db import migrations


def _set_fillfactor(apps, schema_editor, percent: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("quizzes", "AttemptQuestion")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {int(percent)})")


def leave_room(apps, schema_editor) -> None:
    _set_fillfactor(apps, schema_editor, 70)


def fill_pages(apps, schema_editor) -> None:
    # PostgreSQL's default.
    _set_fillfactor(apps, schema_editor, 100)


class Migration(migrations.Migration):
    """PostgreSQL: leave room in each page of attempt items for their updates. Every item is
    written at the attempt's start and updated soon after (the answer, then the grade); with
    room in its page, PostgreSQL updates it in place (HOT: no index touched) instead of writing
    a new version elsewhere with an entry in each of the table's four indexes."""

    dependencies = [("quizzes", "0005_attempt_items_unindexed_grade")]

    operations = [
        migrations.RunPython(leave_room, fill_pages),
    ]
