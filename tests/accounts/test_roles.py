"""Roles are groups filled after every migrate from accounts/roles.py ROLE_PERMISSIONS, the one
place where a role gets permissions, the other apps' (training, contests) included."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLE_PERMISSIONS, Role, ensure_roles

pytestmark = pytest.mark.django_db


def _granted(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.parametrize("role", list(Role))
def test_every_listed_permission_exists_and_is_granted(role):
    # ensure_roles skips a permission it cannot find (an app not migrated yet): a misspelt one
    # would be skipped for ever, so every name listed must be granted once migrate has run.
    assert set(ROLE_PERMISSIONS[role]) <= _granted(role)


def test_organisers_may_author_modules_and_contests_in_the_admin(organiser):
    assert organiser.has_perm("training.change_module") and organiser.has_perm("contests.change_round")


def test_filling_the_groups_again_changes_nothing():
    before = {role: _granted(role) for role in Role}
    ensure_roles()
    assert {role: _granted(role) for role in Role} == before
