from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalise_email, normalise_phone


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    DEPARTMENT = "department", _("Department")
    MASS_ORGANISATION = "mass_org", _("Fatherland Front or mass organisation")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health station")
    VILLAGE = "village", _("Village")


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything below it."""
        return self.filter(path__startswith=unit.path)

    def villages(self) -> UnitQuerySet:
        return self.filter(kind=UnitKind.VILLAGE)


class Unit(models.Model):
    """A node of the administrative tree: province → commune → departments, schools, villages.

    `path` is a materialised path ("0001/0004/") so a whole subtree is one indexed prefix query,
    whatever its depth; it is maintained in save().
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent unit"),
    )
    code = models.CharField(_("code"), max_length=20, blank=True, help_text=_("Statistical code, if any."))
    headcount = models.PositiveIntegerField(
        _("headcount"), default=0,
        help_text=_("Staff of the unit, or residents for a village: the base of participation rates."),
    )
    is_demo = models.BooleanField(
        _("demo name"), default=False, help_text=_("The name is an example, not the real one."),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        permissions = [
            ("view_unit_members", _("Can see the members of own unit and their progress")),
            ("organise", _("Can organise training and contests for every unit")),
            ("assist_residents", _("Can act for the residents of own unit in person: register them, "
                                   "issue password reset codes, take a contest with them")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        creating = self.pk is None
        if creating:
            super().save(*args, **kwargs)  # the path is built from the primary key
            kwargs.pop("force_insert", None)
        old_path = self.path
        self.path = (self.parent.path if self.parent_id else "") + f"{self.pk:06d}/"
        if creating:
            Unit.objects.filter(pk=self.pk).update(path=self.path)
            return
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moved under another parent: every descendant's path changes prefix.
            for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                Unit.objects.filter(pk=child.pk).update(path=self.path + child.path[len(old_path):])

    def clean(self) -> None:
        if self.pk and self.parent_id and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("A unit cannot be placed under itself.")})

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def contains(self, other: Unit) -> bool:
        return other.path.startswith(self.path)

    def label_with_parent(self) -> str:
        return f"{self.name} ({self.parent.name})" if self.parent_id else self.name


class UserQuerySet(models.QuerySet):
    def in_subtree(self, unit: Unit) -> UserQuerySet:
        return self.filter(unit__path__startswith=unit.path)

    def active(self) -> UserQuerySet:
        return self.filter(is_active=True, anonymised_at__isnull=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, phone: str | None = None, password: str | None = None, **fields) -> User:
        email = fields.pop("email", None)
        user = self.model(
            phone=normalise_phone(phone) if phone else None,
            email=normalise_email(email) or None,
            **fields,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("full_name", "Quản trị hệ thống")
        return self.create_user(phone, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One account type for everyone; the role comes from groups (see accounts/roles.py).

    Residents log in with their phone; staff with phone or email (PhoneOrEmailBackend).
    """

    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=10, unique=True, null=True, blank=True)
    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", null=True, verbose_name=_("unit"),
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("Can log in to the Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Current consent state, mirrored from the latest ConsentRecord for fast leaderboard queries.
    show_on_leaderboard = models.BooleanField(_("shown on public leaderboards"), default=False)
    receive_notifications = models.BooleanField(_("receives notifications"), default=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Assisted mode: a village officer registered this resident in person. Such a resident may
    # have no phone (they take part on the officer's device) and starts without a password (a
    # reset code from the officer gives them one when they want to log in themselves).
    registered_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("registered in person by"),
    )

    objects = UserManager()

    USERNAME_FIELD = "phone"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # A login, unless the account is anonymised or was registered in person (assisted mode).
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(email__isnull=False) | Q(anonymised_at__isnull=False)
                | Q(registered_by__isnull=False),
                name="user_has_phone_or_email",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.phone or self.email or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else ""

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None


class ConsentPurpose(models.TextChoices):
    CONTESTS = "contests", _("Take part in contests and be ranked")
    LEADERBOARD = "leaderboard", _("Show my name and unit on public leaderboards")
    NOTIFICATIONS = "notifications", _("Receive notifications")


class ConsentRecord(models.Model):
    """What a person agreed to, under which version of the text, and when. Never edited:
    a change of mind is a new record."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    purposes = models.JSONField(_("purposes"), default=list)
    text_version = models.CharField(_("text version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    # Given in person to an officer (assisted mode), who read the statement to the person: who,
    # by name as it was then (the account may later be anonymised), and `given_at` is when.
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded in person by"))
    recorded_by_name = models.CharField(_("recorded in person by (name)"), max_length=150, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.user_id} {self.text_version} {self.given_at:%d/%m/%Y}"

    @property
    def purpose_labels(self) -> list[str]:
        labels = dict(ConsentPurpose.choices)
        return [str(labels.get(purpose, purpose)) for purpose in self.purposes]


class AuditEntry(models.Model):
    """An organiser action that changed something. Append-only: no update or delete path."""

    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.summary}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted.")


class DataRequestKind(models.TextChoices):
    """The rights of a data subject the platform answers (Luật 91/2025/QH15, Điều 4)."""

    ACCESS = "access", _("See or get a copy of the data")
    CORRECTION = "correction", _("Correct the data")
    DELETION = "deletion", _("Delete the data")
    WITHDRAWAL = "withdrawal", _("Withdraw consent")


class DataRequestQuerySet(models.QuerySet):
    def open(self) -> DataRequestQuerySet:
        return self.filter(handled_at__isnull=True)

    def overdue(self, today=None) -> DataRequestQuerySet:
        """Open past their due date: the reply was due by the end of `due_on`."""
        return self.open().filter(due_on__lt=today or timezone.localdate())


class DataRequest(models.Model):
    """A person exercising a right over their data, with the date the reply is due (NĐ
    356/2025/NĐ-CP: within 02 working days of receipt). What the "My data" pages do at once
    (download, self-correction, withdrawing an optional consent, deleting the account) is
    recorded already handled; what only the commune can do waits in the organisers' queue."""

    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="data_requests",
                             verbose_name=_("person"))
    kind = models.CharField(_("request"), max_length=12, choices=DataRequestKind.choices)
    details = models.TextField(_("details"), blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_on = models.DateField(_("reply due by"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("handled by"))
    note = models.TextField(_("note"), blank=True)
    # Done by the person on their own "My data" page, at the moment of the request.
    self_service = models.BooleanField(_("done by the person"), default=False)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "received_at", "pk"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        indexes = [models.Index(fields=["handled_at", "due_on"], name="data_request_queue_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())


class PasswordResetCode(models.Model):
    """A one-time code to choose a new password, for a person without email: an organiser or a
    village officer issues it in person after checking who the person is (accounts/recovery.py).
    Only a keyed hash of the code is kept; it works once, until `expires_at`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    sent_by_sms = models.BooleanField(_("sent by text message"), default=False)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")

    def __str__(self) -> str:
        return f"{self.user_id} {self.issued_at:%d/%m/%Y %H:%M}"
