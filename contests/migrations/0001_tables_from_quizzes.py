"""Contests become an app of their own and keep their tables.

The models were created in the quizzes app (quizzes/0002, 0003, 0004) and their tables keep those
names (Meta.db_table): this migration only tells Django's migration state that the contests app
owns them now (quizzes/0008 takes them out of the quizzes state), and changes no table. The
content types follow, so the permissions granted on contests and rounds and the admin's history
stay attached, and the audit log's entries about them carry the new label.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["contest", "round", "prediction", "standing", "rankbucket", "unitstanding", "conteststanding",
          "prize", "suspicionflag"]


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    for model in MODELS:
        current = ContentType.objects.filter(app_label=old, model=model).first()
        if current is None:
            continue
        # Rows under the new label exist only if a post_migrate ran between two partial migrates:
        # their permissions are fresh copies of the old ones, which groups and people hold.
        Permission.objects.filter(content_type__app_label=new, content_type__model=model).delete()
        ContentType.objects.filter(app_label=new, model=model).delete()
        current.app_label = new
        current.save(update_fields=["app_label"])
        AuditEntry.objects.filter(object_type=f"{old}.{model}").update(object_type=f"{new}.{model}")


def move_content_types(apps, schema_editor) -> None:
    _relabel(apps, "quizzes", "contests")


def move_content_types_back(apps, schema_editor) -> None:
    _relabel(apps, "contests", "quizzes")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("accounts", "0002_create_cache_table"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("quizzes", "0008_contests_to_own_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Contest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('slug', models.SlugField(max_length=100, unique=True, verbose_name='slug')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('rules', models.TextField(blank=True, help_text="The contest's rules as published (thể lệ).", verbose_name='rules')),
                        ('is_published', models.BooleanField(default=False, verbose_name='published')),
                        ('audience', models.CharField(choices=[('residents', 'Residents'), ('staff', 'Staff'), ('both', 'Residents and staff')], default='both', max_length=10, verbose_name='who may take part')),
                        ('min_age', models.PositiveSmallIntegerField(blank=True, help_text='Counted from the birth year, in the year the round opens. Empty: no minimum.', null=True, verbose_name='minimum age')),
                        ('exclude_organisers_from_prizes', models.BooleanField(default=True, verbose_name='organisers and their staff cannot win prizes')),
                        ('prediction_kind', models.CharField(choices=[('participants', 'How many people will take part in this round'), ('all_correct', 'How many people will answer every question correctly in this round')], default='participants', max_length=12, verbose_name='prediction question')),
                        ('individual_prizes', models.PositiveSmallIntegerField(default=3, verbose_name='individual prizes per round')),
                        ('split_prizes', models.BooleanField(default=False, verbose_name='separate individual prizes for staff and residents')),
                        ('staff_prizes', models.PositiveSmallIntegerField(default=0, verbose_name='individual prizes for staff')),
                        ('resident_prizes', models.PositiveSmallIntegerField(default=0, verbose_name='individual prizes for residents')),
                        ('unit_prizes', models.PositiveSmallIntegerField(default=3, verbose_name='unit prizes per round')),
                        ('unit_min_participation_percent', models.PositiveSmallIntegerField(default=50, verbose_name='minimum participation for a unit prize (%)')),
                        ('suspicious_seconds_per_question', models.PositiveSmallIntegerField(default=3, help_text='A perfect score in less than this many seconds per question goes to the review queue. 0: never flag.', verbose_name='flag perfect scores faster than (seconds per question)')),
                        ('suspicious_accounts_per_device', models.PositiveSmallIntegerField(default=3, help_text='When this many different accounts take a round from the same network address and browser, their attempts go to the review queue. 0: never flag.', verbose_name='flag this many accounts from one device')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('organising_units', models.ManyToManyField(blank=True, help_text='Members of these units (and the units under them) cannot win prizes when the option above is on.', related_name='+', to='accounts.unit', verbose_name='organising units')),
                    ],
                    options={
                        'verbose_name': 'contest',
                        'verbose_name_plural': 'contests',
                        'db_table': 'quizzes_contest',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ContestStanding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rounds', models.PositiveSmallIntegerField(default=0)),
                        ('total_score', models.PositiveIntegerField(default=0)),
                        ('total_duration_ms', models.PositiveBigIntegerField(default=0)),
                        ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='standings', to='contests.contest')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'quizzes_conteststanding',
                    },
                ),
                migrations.CreateModel(
                    name='Prediction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('value', models.PositiveIntegerField(verbose_name='prediction')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('attempt', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='contest_prediction', to='quizzes.attempt')),
                    ],
                    options={
                        'verbose_name': 'prediction',
                        'verbose_name_plural': 'predictions',
                        'db_table': 'quizzes_prediction',
                    },
                ),
                migrations.CreateModel(
                    name='Round',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveSmallIntegerField(verbose_name='round number')),
                        ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                        ('opens_at', models.DateTimeField(verbose_name='opens at')),
                        ('closes_at', models.DateTimeField(verbose_name='closes at')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='final ranking computed at')),
                        ('actual_figure', models.PositiveIntegerField(blank=True, null=True, verbose_name='actual figure for the prediction')),
                        ('snapshot_name', models.CharField(blank=True, max_length=255, verbose_name='snapshot file')),
                        ('snapshot_sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256 of the snapshot')),
                        ('contest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rounds', to='contests.contest')),
                        ('quiz', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='contest_round', to='quizzes.quiz', verbose_name='quiz')),
                        ('staff_quiz', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contest_round_for_staff', to='quizzes.quiz', verbose_name='separate quiz for staff')),
                    ],
                    options={
                        'verbose_name': 'round',
                        'verbose_name_plural': 'rounds',
                        'db_table': 'quizzes_round',
                        'ordering': ['contest', 'number'],
                    },
                ),
                migrations.CreateModel(
                    name='RankBucket',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.PositiveSmallIntegerField()),
                        ('duration_s', models.PositiveIntegerField()),
                        ('count', models.IntegerField(default=0)),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contests.round')),
                    ],
                    options={
                        'db_table': 'quizzes_rankbucket',
                    },
                ),
                migrations.CreateModel(
                    name='Standing',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('attempts_count', models.PositiveSmallIntegerField(default=1)),
                        ('score', models.PositiveSmallIntegerField(verbose_name='score')),
                        ('max_score', models.PositiveSmallIntegerField(verbose_name='questions')),
                        ('duration_ms', models.PositiveIntegerField(verbose_name='time taken (ms)')),
                        ('submitted_at', models.DateTimeField(verbose_name='submitted at')),
                        ('prediction', models.PositiveIntegerField(blank=True, null=True, verbose_name='prediction')),
                        ('prediction_error', models.PositiveIntegerField(blank=True, null=True, verbose_name='prediction error')),
                        ('final_rank', models.PositiveIntegerField(blank=True, null=True, verbose_name='final rank')),
                        ('is_staff_member', models.BooleanField(default=False)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('attempt', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='quizzes.attempt')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='standings', to='contests.round')),
                        ('unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.unit')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contest_standings', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'standing',
                        'verbose_name_plural': 'standings',
                        'db_table': 'quizzes_standing',
                    },
                ),
                migrations.CreateModel(
                    name='Prize',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('individual', 'Individual'), ('unit', 'Unit')], max_length=10, verbose_name='prize kind')),
                        ('category', models.CharField(choices=[('all', 'Everyone'), ('staff', 'Staff'), ('residents', 'Residents')], default='all', max_length=10, verbose_name='prize category')),
                        ('place', models.PositiveSmallIntegerField(verbose_name='place')),
                        ('participants', models.PositiveIntegerField(default=0, verbose_name='participants')),
                        ('headcount', models.PositiveIntegerField(default=0, verbose_name='headcount')),
                        ('mean_score', models.DecimalField(blank=True, decimal_places=2, max_digits=7, null=True, verbose_name='mean score')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.unit', verbose_name='unit')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='prizes', to='contests.round', verbose_name='round')),
                        ('standing', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contests.standing', verbose_name='winner')),
                    ],
                    options={
                        'verbose_name': 'prize',
                        'verbose_name_plural': 'prizes',
                        'db_table': 'quizzes_prize',
                        'ordering': ['round', 'kind', 'category', 'place'],
                    },
                ),
                migrations.CreateModel(
                    name='SuspicionFlag',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('fast_perfect', 'Perfect score, implausibly fast'), ('shared_device', 'Many accounts from one device'), ('same_answers', 'Identical answers with near-identical timings')], max_length=16, verbose_name='kind')),
                        ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                        ('status', models.CharField(choices=[('open', 'To review'), ('confirmed', 'Confirmed: no prize'), ('cleared', 'Cleared')], default='open', max_length=10, verbose_name='status')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('reason', models.TextField(blank=True, verbose_name='reason')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='flagged at')),
                        ('attempt', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='quizzes.attempt')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flags', to='contests.round')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'suspicion flag',
                        'verbose_name_plural': 'suspicion flags',
                        'db_table': 'quizzes_suspicionflag',
                        'ordering': ['round', 'kind', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='UnitStanding',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('participants', models.PositiveIntegerField(default=0)),
                        ('score_sum', models.PositiveBigIntegerField(default=0)),
                        ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='unit_standings', to='contests.round')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.unit')),
                    ],
                    options={
                        'db_table': 'quizzes_unitstanding',
                    },
                ),
                migrations.AddConstraint(
                    model_name='contest',
                    constraint=models.CheckConstraint(condition=models.Q(('unit_min_participation_percent__lte', 100)), name='contest_unit_threshold_max_100'),
                ),
                migrations.AddIndex(
                    model_name='conteststanding',
                    index=models.Index(fields=['contest', '-total_score', 'total_duration_ms', 'id'], name='contest_standing_order_idx'),
                ),
                migrations.AddConstraint(
                    model_name='conteststanding',
                    constraint=models.UniqueConstraint(fields=('contest', 'user'), name='contest_standing_unique'),
                ),
                migrations.AddConstraint(
                    model_name='round',
                    constraint=models.UniqueConstraint(fields=('contest', 'number'), name='round_number_unique'),
                ),
                migrations.AddConstraint(
                    model_name='round',
                    constraint=models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='round_closes_after_opens'),
                ),
                migrations.AddConstraint(
                    model_name='rankbucket',
                    constraint=models.UniqueConstraint(fields=('round', 'score', 'duration_s'), name='rank_bucket_unique'),
                ),
                migrations.AddIndex(
                    model_name='standing',
                    index=models.Index(fields=['round', '-score', 'duration_ms', 'submitted_at', 'id'], name='standing_provisional_idx'),
                ),
                migrations.AddIndex(
                    model_name='standing',
                    index=models.Index(fields=['round', 'final_rank'], name='standing_final_idx'),
                ),
                migrations.AddIndex(
                    model_name='standing',
                    index=models.Index(fields=['round', 'is_staff_member', 'final_rank'], name='standing_final_split_idx'),
                ),
                migrations.AddConstraint(
                    model_name='standing',
                    constraint=models.UniqueConstraint(fields=('round', 'user'), name='standing_once_per_round'),
                ),
                migrations.AddConstraint(
                    model_name='prize',
                    constraint=models.UniqueConstraint(fields=('round', 'kind', 'category', 'place'), name='prize_place_unique'),
                ),
                migrations.AddIndex(
                    model_name='suspicionflag',
                    index=models.Index(fields=['round', 'status', 'kind'], name='suspicion_flag_queue_idx'),
                ),
                migrations.AddConstraint(
                    model_name='suspicionflag',
                    constraint=models.UniqueConstraint(fields=('attempt', 'kind'), name='suspicion_flag_once_per_kind'),
                ),
                migrations.AddConstraint(
                    model_name='unitstanding',
                    constraint=models.UniqueConstraint(fields=('round', 'unit'), name='unit_standing_unique'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
