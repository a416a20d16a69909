from functools import partial

from accounts import roles


def user_roles(request) -> dict:
    # Callables, which templates call when they use them: a page that shows no menu (an htmx
    # fragment) then reads no permissions.
    user = request.user
    return {
        "user_is_organiser": partial(roles.is_organiser, user),
        "user_is_unit_manager": partial(roles.is_unit_manager, user),
        "user_may_assist": partial(roles.may_assist, user),
    }
