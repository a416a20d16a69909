from accounts import roles


def user_roles(request) -> dict:
    user = request.user
    return {
        "user_is_organiser": roles.is_organiser(user),
        "user_is_unit_manager": roles.is_unit_manager(user),
    }
