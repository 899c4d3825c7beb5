from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clearinghouse.accounts"
    verbose_name = "Organizations and people"

    def ready(self) -> None:
        # ``routes`` registers the check that every route declares an access rule;
        # ``signin`` the receivers of lockout, session limits and sessions ended with
        # their account.
        from clearinghouse.accounts import routes, signin  # noqa: F401
