"""How personal data is shown to people other than its owner."""

from accounts.phones import mask_phone

__all__ = ["mask_phone", "mask_name", "public_name", "public_unit"]


def mask_name(full_name: str) -> str:
    """'Nguyễn Văn An' → 'Nguyễn V. A': family name kept, the rest reduced to initials."""
    parts = full_name.split()
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0][0] + "."
    middle = [p[0] + "." for p in parts[1:-1]]
    return " ".join([parts[0], *middle, parts[-1][0]])


def public_name(user) -> str:
    """The name a public page may show: masked if the person agreed, a number otherwise."""
    if user.show_on_leaderboard and not user.is_anonymised:
        return mask_name(user.full_name)
    return f"Người dự thi #{user.pk}"


def public_unit(user, unit_name: str | None) -> str:
    """The unit a public page may show beside the person: only with the same consent as the name
    ("show my name and unit"); without it a "Người dự thi #id" in a small village is still them."""
    if user.show_on_leaderboard and not user.is_anonymised:
        return unit_name or ""
    return ""
