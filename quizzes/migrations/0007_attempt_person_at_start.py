from django.db import migrations, models
import django.db.models.deletion

STAFF_GROUPS = ["staff", "unit_manager", "organiser"]


def fill_person_at_start(apps, schema_editor) -> None:
    """Existing attempts take their person's unit and staff-ness as they are now (what the
    standings and tallies assumed until this migration)."""
    Attempt = apps.get_model("quizzes", "Attempt")
    User = apps.get_model("accounts", "User")
    staff = User.objects.filter(groups__name__in=STAFF_GROUPS).values("pk")
    Attempt.objects.filter(user__in=staff).update(is_staff_member=True)
    for unit_id in User.objects.exclude(unit=None).values_list("unit_id", flat=True).distinct():
        Attempt.objects.filter(user__unit_id=unit_id).update(unit_id=unit_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_create_cache_table"),
        ("quizzes", "0006_attempt_items_fillfactor"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="is_staff_member",
            field=models.BooleanField(default=False, verbose_name="staff at start"),
        ),
        migrations.AddField(
            model_name="attempt",
            name="unit",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="accounts.unit", verbose_name="unit at start"),
        ),
        migrations.RunPython(fill_person_at_start, migrations.RunPython.noop),
    ]
