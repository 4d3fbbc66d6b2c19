from .selectors import memberships_of_user


def navigation(request):
    """The schools a signed-in user can switch between (one query, only when signed in)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"my_memberships": memberships_of_user(user=request.user)}
