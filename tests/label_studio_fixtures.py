"""A real Label Studio server for tests: one per test session (per xdist worker), started from a template.

Use it by importing the fixture into a test module::

    from label_studio_fixtures import label_studio  # noqa: F401  (pytest finds fixtures by name)

    def test_something(label_studio):
        project = label_studio.client.projects.create(title="t", label_config=...)
        bob = label_studio.make_user("bob@example.com")   # a LabelStudio client acting as bob

The server is installed on first use (``ensure_installed``: its own virtual environment), the migrated
template is made once per test run (shared by xdist workers, under a lock), copied, and started on a
free loopback port. Set ``NEWSEVENTS_SKIP_LABEL_STUDIO=1`` to skip these tests; otherwise a failure to
install or start is an error, never a silent skip.

How a second user gets a token in Label Studio 1.23 (measured on 1.23.2)
-----------------------------------------------------------------------
* ``POST /api/users/`` (``client.users.create``) makes a user in the admin's organization, but its
  serializer has no password field: the user cannot log in, and no API lets an admin read another
  user's token (``/api/current-user/token`` and ``/api/token/`` only ever concern the caller).
* What works is what a real annotator does: ``GET /api/invite`` (admin) gives the organization's
  invite token; ``GET /user/signup/?token=T`` sets the CSRF cookie; ``POST /user/signup/?token=T``
  with ``csrfmiddlewaretoken``, ``email`` and ``password`` creates the user in that organization and
  logs the session in; ``GET /api/current-user/token`` with that session returns the user's legacy
  API token (made by a ``post_save`` signal), which works because the organization was created with
  legacy tokens enabled. The password must pass Django's validators (long, not all digits).
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field

import pytest

#: Set to 1 to skip every test that needs the server.
SKIP_VARIABLE = "NEWSEVENTS_SKIP_LABEL_STUDIO"


@dataclass
class LabelStudioInstance:
    """What the ``label_studio`` fixture yields.

    Attributes
    ----------
    url : str
        ``http://127.0.0.1:PORT``.
    token : str
        The admin's legacy API token.
    username : str
        The admin's email.
    client : label_studio_sdk.client.LabelStudio
        An SDK client acting as the admin.
    server : LabelStudioServer
        The running server (its ``log`` file, ``settings.data_dir``).
    """

    url: str
    token: str
    username: str
    client: object
    server: object
    _tokens: dict[str, str] = field(default_factory=dict, repr=False)

    def user_token(self, email: str, password: str | None = None) -> str:
        """The legacy API token of user ``email``, signing the user up through the invite link first.

        Calling it again with the same email returns the same token (kept per session).
        """
        import httpx

        if email in self._tokens:
            return self._tokens[email]
        password = password or f"pw-{secrets.token_urlsafe(12)}"
        admin = {"Authorization": f"Token {self.token}"}
        with httpx.Client(base_url=self.url, follow_redirects=True, timeout=30) as session:
            invite = session.get("/api/invite", headers=admin)
            invite.raise_for_status()
            params = {"token": invite.json()["token"]}
            session.get("/user/signup/", params=params).raise_for_status()
            signup = session.post("/user/signup/", params=params, data={
                "csrfmiddlewaretoken": session.cookies["csrftoken"], "email": email, "password": password})
            signup.raise_for_status()
            answer = session.get("/api/current-user/token")
            if answer.status_code != 200:
                raise AssertionError(f"signing up {email} did not log in (GET /api/current-user/token: {answer.status_code}); "
                                     f"the signup page may show why: {signup.text[:500]}")
        self._tokens[email] = answer.json()["token"]
        return self._tokens[email]

    def make_user(self, email: str, password: str | None = None):  # type: ignore[no-untyped-def]
        """A second user ``email`` in the admin's organization, as an SDK client acting as that user."""
        from label_studio_sdk.client import LabelStudio

        return LabelStudio(base_url=self.url, api_key=self.user_token(email, password))


def _template_root(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A temporary folder shared by the xdist workers of one run (the plain session folder otherwise)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A running Label Studio server for the whole session; yields a :class:`LabelStudioInstance`."""
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"{SKIP_VARIABLE}=1: not starting a Label Studio server")
    from label_studio_sdk.client import LabelStudio

    from newsevents.annotation.label_studio.server import LabelStudioServer, ServerSettings, ensure_installed, migrated_template

    executable = ensure_installed()
    template = migrated_template(_template_root(tmp_path_factory) / "label-studio-template", executable=executable)
    data_dir = tmp_path_factory.mktemp("label-studio") / "data"
    shutil.copytree(template, data_dir)
    with LabelStudioServer(ServerSettings(data_dir), executable=executable) as server:
        yield LabelStudioInstance(url=server.url, token=server.token, username=str(server.settings.username),
                                  client=LabelStudio(base_url=server.url, api_key=server.token), server=server)
