"""A real Label Studio server on 127.0.0.1, in its own virtual environment, for annotators and for tests.

Label Studio pins ``label-studio-sdk``, Django and more exactly, so it never goes into the project's
environment: :func:`ensure_installed` creates a separate virtual environment on first use (about 1 GB,
about a minute from a local index) and returns its ``label-studio`` executable.
:class:`LabelStudioServer` starts it headless on a loopback port, waits until it answers and checks
that it is ours (its admin token works), and stops it with SIGTERM.

Credentials (:class:`ServerSettings`): Label Studio reads the admin's email, password and API token
only when it creates the database. So the values used at creation are saved beside the database
(``newsevents-credentials.json``, readable by its owner only) and win on every later start; for a
new database they come from ``LABEL_STUDIO_USERNAME``, ``LABEL_STUDIO_PASSWORD`` and
``LABEL_STUDIO_USER_TOKEN`` when set, or are generated (``sources`` says which).

A new database migrates for about 45 s, a migrated one starts in a few seconds:
:func:`migrated_template` makes a migrated data directory once, and tests copy it.

Example::

    from newsevents.annotation.label_studio.server import LabelStudioServer, ServerSettings

    with LabelStudioServer(ServerSettings(Path(".label-studio/data"))) as server:
        print(server.url, server.token)
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from newsevents.errors import NewsEventsError
from newsevents.paths import REPO_ROOT

#: The Label Studio release the project is tested with (it pins ``label-studio-sdk==2.1.2``).
LABEL_STUDIO_VERSION = "1.23.2"
#: Environment variable naming the server's virtual environment.
VENV_VARIABLE = "NEWSEVENTS_LABEL_STUDIO_VENV"
#: The credentials a data directory's database was created with (beside the database).
CREDENTIALS_FILE = "newsevents-credentials.json"
#: Label Studio's SQLite database inside the data directory.
DATABASE_FILE = "label_studio.sqlite3"
#: The server's output (appended to at each start).
LOG_FILE = "label-studio.log"
#: Present in a data directory that :func:`migrated_template` finished.
TEMPLATE_MARKER = ".newsevents-template-complete"

_ENVIRONMENT = {"username": "LABEL_STUDIO_USERNAME", "password": "LABEL_STUDIO_PASSWORD", "token": "LABEL_STUDIO_USER_TOKEN"}
#: Unprefixed variables Label Studio reads (through ``get_env``) that must not leak in from the caller's shell.
_UNPREFIXED = ("HOST", "PORT", "DEBUG", "USERNAME", "PASSWORD", "USER_TOKEN", "DATABASE_NAME", "DJANGO_DB", "BASE_DATA_DIR",
               "DJANGO_SETTINGS_MODULE", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
_MOVED = "is in use"  # Label Studio's words when it moves to the next port instead of failing


def _is_checkout(root: Path) -> bool:
    return (root / "pyproject.toml").is_file() and (root / "newsevents" / "__init__.py").is_file()


def default_venv() -> Path:
    """Where the server's virtual environment lives.

    ``$NEWSEVENTS_LABEL_STUDIO_VENV`` if set; else ``.label-studio/venv`` at the top of the checkout
    (git-ignored); else, for an installed newsevents, ``~/.cache/newsevents/label-studio/venv``.
    """
    if os.environ.get(VENV_VARIABLE):
        return Path(os.environ[VENV_VARIABLE]).expanduser()
    if _is_checkout(REPO_ROOT):
        return REPO_ROOT / ".label-studio" / "venv"
    return Path.home() / ".cache" / "newsevents" / "label-studio" / "venv"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (created), so parallel test workers install or migrate only once."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tail(path: Path, lines: int = 25) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines)).rstrip()
    except OSError:
        return f"(no output: {path} is missing)"


def _run_logged(command: list[str], log: Path, what: str) -> None:
    """Run ``command`` with its output in ``log``; a failure raises with the log's last lines."""
    with open(log, "w", encoding="utf-8") as handle:
        result = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        raise NewsEventsError(f"{what} failed (exit status {result.returncode}); last lines of {log}:\n{_tail(log)}")


def ensure_installed(venv: Path | None = None) -> Path:
    """Install Label Studio ``LABEL_STUDIO_VERSION`` into its own virtual environment, once.

    Parameters
    ----------
    venv : Path, optional
        The virtual environment (default :func:`default_venv`). Created with the running Python
        (``python -m venv``) if missing; ``label-studio==LABEL_STUDIO_VERSION`` is pip-installed into
        it unless it already holds that version.

    Returns
    -------
    Path
        The ``label-studio`` executable inside ``venv``.

    Raises
    ------
    NewsEventsError
        When ``venv`` is the running environment (the project's own: Label Studio's exact pins would
        break it), or when ``venv`` or pip fails; the message quotes the last lines of pip's output,
        which stays in ``<venv>/newsevents-install.log``.
    """
    venv = (venv or default_venv()).expanduser().absolute()
    executable = venv / "bin" / "label-studio"
    marker = venv / f".newsevents-label-studio-{LABEL_STUDIO_VERSION}"
    if marker.is_file() and executable.is_file():
        return executable
    if venv.resolve() == Path(sys.prefix).resolve():
        raise NewsEventsError(f"refusing to install Label Studio into the running environment {venv}: "
                              f"give it its own, for example {VENV_VARIABLE}=.label-studio/venv")
    with _locked(venv.parent / f".{venv.name}.lock"):
        if marker.is_file() and executable.is_file():  # another process finished it while we waited
            return executable
        log = venv.parent / f"{venv.name}-install.log"
        if not (venv / "bin" / "python").is_file():
            _run_logged([sys.executable, "-m", "venv", str(venv)], log, f"creating the virtual environment {venv}")
        _run_logged([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                     f"label-studio=={LABEL_STUDIO_VERSION}"], log, f"pip install label-studio=={LABEL_STUDIO_VERSION} into {venv}")
        if not executable.is_file():
            raise NewsEventsError(f"pip installed label-studio into {venv} but {executable} is missing; see {log}")
        shutil.move(str(log), str(venv / "newsevents-install.log"))
        marker.write_text(f"label-studio=={LABEL_STUDIO_VERSION}\n", encoding="utf-8")
    return executable


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 now (the operating system picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no obstacle
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:  # Label Studio checks "localhost" by connecting
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


@dataclass
class ServerSettings:
    """What a server runs on and the admin account it creates.

    Parameters
    ----------
    data_dir : Path
        Label Studio's data directory (database, uploads, log, saved credentials); created if missing.
    port : int, default 0
        TCP port on 127.0.0.1; 0 picks a free one at each start.
    username, password, token : str, optional
        The admin's email, password and legacy API token. Left out, each comes from the credentials
        saved in ``data_dir`` (the database knows only those), else from ``LABEL_STUDIO_USERNAME``,
        ``LABEL_STUDIO_PASSWORD``, ``LABEL_STUDIO_USER_TOKEN``, else a default (``admin@example.com``)
        or a random value. ``sources`` says where each came from.

    Notes
    -----
    A token or password given for a data directory whose database already exists is not applied by
    Label Studio; :meth:`LabelStudioServer.start` then fails saying so, since the token does not work.
    """

    data_dir: Path
    port: int = 0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser().absolute()
        saved = self._saved()
        generated = {"username": lambda: "admin@example.com", "password": lambda: secrets.token_urlsafe(18),
                     "token": lambda: secrets.token_hex(20)}  # a legacy token is at most 40 characters
        for name, variable in _ENVIRONMENT.items():
            if getattr(self, name):
                self.sources.setdefault(name, "given")
            elif saved.get(name):
                setattr(self, name, saved[name])
                self.sources[name] = f"saved in {self.credentials_file}"
            elif os.environ.get(variable):
                setattr(self, name, os.environ[variable])
                self.sources[name] = f"${variable}"
            else:
                setattr(self, name, generated[name]())
                self.sources[name] = "default" if name == "username" else "generated"

    @property
    def credentials_file(self) -> Path:
        return self.data_dir / CREDENTIALS_FILE

    def _saved(self) -> dict[str, str]:
        try:
            return json.loads(self.credentials_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            raise NewsEventsError(f"cannot read saved Label Studio credentials: {err}", file=str(self.credentials_file)) from err

    def save(self) -> None:
        """Write the credentials beside the database (mode 0600), unless a file is already there."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.credentials_file.exists():
            return
        descriptor = os.open(self.credentials_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"username": self.username, "password": self.password, "token": self.token}, handle, indent=2)
            handle.write("\n")


class LabelStudioServer:
    """A Label Studio server process on 127.0.0.1; a context manager (``start`` on enter, ``stop`` on exit).

    Parameters
    ----------
    settings : ServerSettings
        Data directory, port and admin credentials.
    executable : Path, optional
        The ``label-studio`` program (default: :func:`ensure_installed`, which installs on first use).
    start_timeout : float, default 180
        Seconds to wait for the server to answer (a new database migrates for about 45 s).
    stop_timeout : float, default 30
        Seconds to wait after SIGTERM before SIGKILL.

    Attributes
    ----------
    url : str
        ``http://127.0.0.1:PORT`` once started.
    token : str
        The admin's legacy API token (``Authorization: Token ...``), checked at start.
    log : Path
        The server's output, ``<data_dir>/label-studio.log``.
    """

    def __init__(self, settings: ServerSettings, *, executable: Path | None = None,
                 start_timeout: float = 180.0, stop_timeout: float = 30.0) -> None:
        self.settings = settings
        self.executable = executable
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.port: int | None = None
        self.log = settings.data_dir / LOG_FILE
        self._process: subprocess.Popen[bytes] | None = None
        self._home: Path | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise NewsEventsError("the Label Studio server is not started: call start() or use it in a with block")
        return f"http://127.0.0.1:{self.port}"

    @property
    def token(self) -> str:
        return str(self.settings.token)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LABEL_STUDIO_", "HEARTEX_")) and k not in _UNPREFIXED}
        env.update({
            "HOME": str(self._home),
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.settings.data_dir),
            "LABEL_STUDIO_HOST": self.url,
            "LABEL_STUDIO_USERNAME": str(self.settings.username),
            "LABEL_STUDIO_PASSWORD": str(self.settings.password),
            "LABEL_STUDIO_USER_TOKEN": self.token,
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "",
            "COLLECT_ANALYTICS": "false",     # no usage reports
            "LATEST_VERSION_CHECK": "false",  # no look-up of the newest release
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def start(self) -> "LabelStudioServer":
        """Launch the server and wait until it answers on its port with our token; returns ``self``.

        Raises
        ------
        NewsEventsError
            When the port is busy, the process exits, the server moved to another port, it does not
            answer within ``start_timeout``, or the admin token does not work; the message quotes the
            last lines of the log.
        """
        if self.running:
            return self
        executable = self.executable or ensure_installed()
        port = self.settings.port or free_port()
        if not _port_is_free(port):
            raise NewsEventsError(f"port {port} on 127.0.0.1 is in use: stop what listens there or choose another port")
        self.port = port
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        if not (self.settings.data_dir / DATABASE_FILE).exists():
            self.settings.save()  # the new database gets these credentials: keep them even if this start fails
        self._home = Path(tempfile.mkdtemp(prefix="label-studio-home-"))
        command = [str(executable), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
                   "--enable-legacy-api-token"]
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"\n=== newsevents: {' '.join(command)} (data dir {self.settings.data_dir})\n")
            handle.flush()
            self._process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             env=self._environment(), cwd=self.settings.data_dir, start_new_session=True)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _fail(self, message: str, *, quote_log: bool = True) -> NewsEventsError:
        if not quote_log:
            return NewsEventsError(f"Label Studio {message} (its output is in {self.log})")
        return NewsEventsError(f"Label Studio {message}; last lines of {self.log}:\n{_tail(self.log)}")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        assert self._process is not None
        while True:
            if self._process.poll() is not None:
                raise self._fail(f"exited with status {self._process.returncode} before answering on port {self.port}")
            if _MOVED in _tail(self.log, 200).split("=== newsevents:")[-1]:
                raise self._fail(f"found port {self.port} busy and moved to another one")
            if self._answers("/health"):
                break
            if time.monotonic() > deadline:
                raise self._fail(f"did not answer on {self.url} within {self.start_timeout:.0f} s")
            time.sleep(0.5)
        whoami = self._get("/api/current-user/whoami", token=self.token)
        if whoami is None:
            raise self._fail(f"on {self.url} refuses the admin token ({self.settings.sources.get('token')}): Label Studio sets "
                             "the token only when it creates the database, so this data directory has another one",
                             quote_log=False)
        if str(whoami.get("email", "")).lower() != str(self.settings.username).lower():
            raise self._fail(f"on {self.url} answers as {whoami.get('email')!r}, not {self.settings.username!r}", quote_log=False)
        self.settings.save()  # an existing database without saved credentials: they work, keep them

    def _get(self, path: str, *, token: str | None = None) -> dict | None:
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"Token {token}"} if token else {})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return json.loads(response.read() or b"{}")
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def _answers(self, path: str) -> bool:
        return self._get(path) is not None

    def stop(self) -> None:
        """SIGTERM, wait ``stop_timeout`` seconds, then SIGKILL; removes the disposable HOME. Idempotent."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)
            self._home = None

    def __enter__(self) -> "LabelStudioServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def migrated_template(path: Path, *, executable: Path | None = None) -> Path:
    """A data directory at ``path`` whose database is migrated and has the admin user and token.

    Made once (by starting and stopping a server on it, about 45 s), under a lock so parallel test
    workers share it; later calls return at once. Copy it (``shutil.copytree``) to start a server in
    a few seconds; the copy carries the saved credentials, so ``ServerSettings(copy)`` has the token.
    """
    path = Path(path).absolute()
    if (path / TEMPLATE_MARKER).is_file():
        return path
    with _locked(path.parent / f".{path.name}.lock"):
        if (path / TEMPLATE_MARKER).is_file():
            return path
        building = path.parent / f".{path.name}.building"
        shutil.rmtree(building, ignore_errors=True)
        shutil.rmtree(path, ignore_errors=True)
        with LabelStudioServer(ServerSettings(building), executable=executable, start_timeout=600):
            pass
        (building / TEMPLATE_MARKER).write_text(f"label-studio=={LABEL_STUDIO_VERSION}\n", encoding="utf-8")
        building.rename(path)
    return path
