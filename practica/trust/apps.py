from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "practica.trust"
    label = "trust"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from practica.communities.tabs import CommunityTab, TabContext, register_tab
        from practica.exchange.panels import ThreadPanel, register_panel

        def stewards(context: TabContext) -> bool:
            return context.is_steward

        register_tab(
            CommunityTab(
                key="moderation", label="Moderation", path="moderation/", order=80, shown=stewards
            )
        )
        register_panel(ThreadPanel(key="trust", template="trust/_thread_panel.html", order=90))
        user_login_failed.connect(_login_failed, dispatch_uid="trust-login-failed")
        user_logged_in.connect(_logged_in, dispatch_uid="trust-logged-in")
        user_logged_out.connect(_logged_out, dispatch_uid="trust-logged-out")


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    from practica.trust.throttle import login_failed

    login_failed(username=str(credentials.get("username", "")), request=request)


def _logged_in(sender: Any, request: Any, user: Any, **_: Any) -> None:
    from practica.trust.services import sign_in_record
    from practica.trust.throttle import login_succeeded

    if request is None:
        return
    login_succeeded(username=user.get_username(), request=request)
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if key:
        sign_in_record(
            user=user,
            session_key=key,
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )


def _logged_out(sender: Any, request: Any = None, **_: Any) -> None:
    from practica.trust.services import sign_in_forget

    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        sign_in_forget(session_key=key)
