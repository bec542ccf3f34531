"""A distinctive secret (and STS token) pushed through every path of config, credentials, login,
logout and doctor must never come out: not in output, errors, logs at DEBUG, exception str/repr,
tracebacks rendered with locals (stdlib and Rich), nor any file written on disk."""

from __future__ import annotations

import io
import json
import logging
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import keyring
import pytest

from ccc_tui.api.auth import AccessKey, Secret
from ccc_tui.api.errors import AuthenticationError, CccError, CredentialsError
from ccc_tui.api.models import Instance
from ccc_tui.cli import login
from ccc_tui.profiles import credentials as cred
from ccc_tui.profiles import keyring_store, session

from .conftest import MemoryKeyring, cli

SECRET = "Zq9xDISTINCTIVEsecret7Yx"
TOKEN = "CAISdistinctiveStsToken42"
KEY_ID = "LTAIsafetyKey00099"
NEEDLES = (SECRET, TOKEN)


def assert_clean(text: str, where: str = "") -> None:
    for needle in NEEDLES:
        assert needle not in text, f"secret leaked {where}:\n{text}"
        # Also partial echoes: any 12-character run of it.
        for i in range(len(needle) - 11):
            assert needle[i : i + 12] not in text, f"part of the secret leaked {where}"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())
        self.texts.append(repr(record.args))
        if record.exc_info:
            self.texts.append("".join(traceback.format_exception(*record.exc_info)))


@pytest.fixture(autouse=True)
def debug_logs() -> Iterator[Capture]:
    """Everything at DEBUG, from every logger, is checked at the end of each test."""
    handler = Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert_clean("\n".join(handler.texts), "in the logs")


class FakeClient:
    def __init__(self, key: AccessKey, target: Any) -> None:
        self.key = key
        self.instance_id = "inst-1"
        self.last_server_date = None

    async def __aenter__(self) -> FakeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def list_instances(self) -> tuple[Instance, ...]:
        logging.getLogger("ccc_tui.test").debug("calling with %r and %s", self.key, self.key.secret)
        if self.key.secret.reveal() != SECRET:
            raise AuthenticationError(
                "Specified signature is not matched. server string to sign is:"
                f"POST&%2F&AccessKeyId%3D{self.key.key_id}%26SecurityToken%3D{TOKEN}",
                code="SignatureDoesNotMatch",
                request_id="REQ-SAFE",
            )
        return (Instance("inst-1", name="Hotline"),)

    async def get_instance(self, instance_id: str | None = None) -> Instance:
        return Instance("inst-1", name="Hotline")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session, "open_client", FakeClient)


def render_with_locals(exc: BaseException) -> str:
    """The exception as a stdlib and a Rich traceback, both with every frame's locals."""
    from rich.console import Console
    from rich.traceback import Traceback

    plain = "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())
    buffer = io.StringIO()
    console = Console(file=buffer, width=240, color_system=None)
    console.print(Traceback.from_exception(type(exc), exc, exc.__traceback__, show_locals=True))
    return plain + buffer.getvalue()


def crash(argv: Sequence[str]) -> BaseException:
    """Run a command expected to crash; the exception (its traceback has no test locals)."""
    try:
        cli(argv)
    except BaseException as exc:  # whatever it is, it gets rendered
        return exc
    raise AssertionError("no crash")


def all_files_clean(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            assert_clean(path.read_bytes().decode("utf-8", "replace"), f"in {path}")


# ---- the value types ----------------------------------------------------------------------------


def test_secret_and_access_key_stay_masked_in_every_rendering() -> None:
    secret = Secret(SECRET)
    key = AccessKey(KEY_ID, secret, Secret(TOKEN), source="test")
    renderings = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        f"{secret:>40}",
        "%s %r" % (secret, secret),  # noqa: UP031 - %-formatting is a path too
        repr(key),
        str(key),
        f"{key}",
        repr([key, {"k": key}]),
        repr((secret,)),
    ]
    from rich.pretty import pretty_repr

    renderings += [pretty_repr(key), pretty_repr({"s": secret, "k": [key]})]
    assert_clean("\n".join(renderings))
    assert KEY_ID not in "\n".join(renderings)  # the key id is masked too
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)
    assert not hasattr(secret, "__dict__")


def test_chain_reports_and_errors_are_clean(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALICLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALICLOUD_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("ALICLOUD_SECURITY_TOKEN", TOKEN)
    report = cred.resolve_chain("default")
    assert report.credentials is not None
    assert_clean(repr(report) + str(report) + "\n".join(report.lines()))
    monkeypatch.delenv("ALICLOUD_ACCESS_KEY_SECRET")
    # Secrets sitting in files that are malformed or use refused modes.
    aliyun = isolated_home / ".aliyun" / "config.json"
    aliyun.parent.mkdir()
    aliyun.write_text(
        '{"current": "r", "profiles": [{"name": "r", "mode": "RamRoleArn", '
        f'"access_key_id": "{KEY_ID}", "access_key_secret": "{SECRET}", "sts_token": "{TOKEN}"}}]}}'
    )
    ini = isolated_home / ".alibabacloud" / "credentials.ini"
    ini.parent.mkdir()
    ini.write_text(f"[default]\naccess_key_id = {KEY_ID}\n{SECRET}\n")
    with pytest.raises(CredentialsError) as info:
        cred.resolve_credentials("default")
    assert_clean(str(info.value) + repr(info.value) + (info.value.hint or ""))
    assert_clean(render_with_locals(info.value))
    aliyun.write_text(f'{{"profiles": [{{"access_key_secret": "{SECRET}",,}}]}}')
    report = cred.resolve_chain("default")
    assert "malformed" in report.steps[2].reason
    assert_clean(repr(report))


def test_config_show_and_doctor_with_every_source(
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    fake: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CCC_TUI_INSTANCE_ID", "inst-1")

    def sweep() -> None:
        assert cli(["config", "show"]) == 0
        assert cli(["doctor"]) in (0, 3)
        out, err = capsys.readouterr()
        assert_clean(out + err, "in config show / doctor")

    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    sweep()
    for var in (
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
    ):
        monkeypatch.delenv(var)
    keyring_store.store_secret("default", AccessKey(KEY_ID, Secret(SECRET), Secret(TOKEN)))
    sweep()
    memory_keyring.store.clear()
    aliyun = isolated_home / ".aliyun" / "config.json"
    aliyun.parent.mkdir()
    aliyun.write_text(
        json.dumps(
            {
                "current": "default",
                "profiles": [
                    {
                        "name": "default",
                        "mode": "StsToken",
                        "access_key_id": KEY_ID,
                        "access_key_secret": SECRET,
                        "sts_token": TOKEN,
                    }
                ],
            }
        )
    )
    sweep()
    aliyun.unlink()
    ini = isolated_home / ".alibabacloud" / "credentials"
    ini.parent.mkdir()
    ini.write_text(f"[default]\naccess_key_id = {KEY_ID}\naccess_key_secret = wrong{SECRET}\n")
    sweep()  # doctor's signed call is refused: the error output is swept too


# ---- login / logout -----------------------------------------------------------------------------


def test_login_output_errors_and_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    fake: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(login, "stdin_is_tty", lambda: False)
    # Wrong secret first: refused, nothing stored.
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{KEY_ID}\nnot-{SECRET}\n"))
    assert cli(["login"]) == 3
    # Then the right one, interactively.
    monkeypatch.setattr(login, "stdin_is_tty", lambda: True)
    monkeypatch.setattr(login.getpass, "getpass", lambda prompt="", stream=None: SECRET)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{KEY_ID}\n"))
    assert cli(["login", "--profile", "p1"]) == 0
    out, err = capsys.readouterr()
    assert_clean(out + err, "in login output")
    assert json.loads(memory_keyring.store[("ccc-tui", "p1")])["access_key_secret"] == SECRET
    all_files_clean(tmp_path)  # the config file, and anything else written under the test's dirs
    assert cli(["config", "show", "--profile", "p1"]) == 0
    assert cli(["logout", "--profile", "p1"]) == 0
    out, err = capsys.readouterr()
    assert_clean(out + err, "in config show / logout")


def test_login_from_env_with_an_sts_token(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    fake: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", f"x{SECRET}")  # wrong: refused
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    assert cli(["login", "--from-env"]) == 3
    out, err = capsys.readouterr()
    assert "SignatureDoesNotMatch" in err
    assert_clean(out + err, "in the refused login")  # the server's string to sign held the token
    all_files_clean(tmp_path)


def test_a_keyring_that_echoes_the_password_in_its_error(
    monkeypatch: pytest.MonkeyPatch, fake: None, capsys: pytest.CaptureFixture[str]
) -> None:
    class Echoing(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise RuntimeError(f"cannot store {password!r}")

    keyring.set_keyring(Echoing())
    monkeypatch.setattr(login, "stdin_is_tty", lambda: False)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{KEY_ID}\n{SECRET}\n"))
    assert cli(["login"]) == 3
    out, err = capsys.readouterr()
    assert "Could not store" in err
    assert_clean(out + err)


# ---- crashes rendered with locals ---------------------------------------------------------------


@pytest.mark.parametrize("how", ["stdin", "tty", "env", "aliyun-cli"])
def test_a_crash_mid_login_renders_no_secret(
    how: str,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    async def boom(self: FakeClient) -> None:
        raise RuntimeError("unexpected bug in the client")

    monkeypatch.setattr(FakeClient, "list_instances", boom)
    monkeypatch.setattr(session, "open_client", FakeClient)
    monkeypatch.setattr(login, "stdin_is_tty", lambda: how == "tty")
    monkeypatch.setattr(login.getpass, "getpass", lambda prompt="", stream=None: SECRET)
    argv = ["login"]
    if how == "stdin":
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{KEY_ID}\n{SECRET}\n"))
    elif how == "tty":
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{KEY_ID}\n"))
    elif how == "env":
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
        argv.append("--from-env")
    else:
        path = isolated_home / ".aliyun" / "config.json"
        path.parent.mkdir()
        path.write_text(
            json.dumps(
                {
                    "profiles": [
                        {
                            "name": "default",
                            "mode": "StsToken",
                            "access_key_id": KEY_ID,
                            "access_key_secret": SECRET,
                            "sts_token": TOKEN,
                        }
                    ]
                }
            )
        )
        argv.append("--from-aliyun-cli")
    exc = crash(argv)
    assert isinstance(exc, RuntimeError)
    rendered = render_with_locals(exc)
    assert "unexpected bug in the client" in rendered and "_login" in rendered
    assert_clean(rendered, "in a traceback with locals")
    assert memory_keyring.store == {}


def test_a_crash_inside_doctor_renders_no_secret(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    async def boom(self: FakeClient, instance_id: str | None = None) -> None:
        raise RuntimeError("unexpected bug in get_instance")

    monkeypatch.setattr(FakeClient, "get_instance", boom)
    monkeypatch.setattr(session, "open_client", FakeClient)
    keyring_store.store_secret("default", AccessKey(KEY_ID, Secret(SECRET), Secret(TOKEN)))
    monkeypatch.setenv("CCC_TUI_INSTANCE_ID", "inst-1")
    exc = crash(["doctor"])
    rendered = render_with_locals(exc)
    assert "unexpected bug in get_instance" in rendered
    assert_clean(rendered)


def test_a_crash_while_reading_the_keyring_renders_no_secret(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    keyring_store.store_secret("default", AccessKey(KEY_ID, Secret(SECRET)))

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug while building the key")

    # Fail right after the entry is decoded, while raw data could still be in a frame.
    monkeypatch.setattr(keyring_store, "AccessKey", boom)
    with pytest.raises(RuntimeError) as info:
        cred.resolve_chain("default")
    assert_clean(render_with_locals(info.value))


def test_cccerror_renderings_hold_no_secret() -> None:
    error = CredentialsError(
        f"cannot use the key {Secret(SECRET)}", hint=f"{AccessKey(KEY_ID, Secret(SECRET))}"
    )
    assert isinstance(error, CccError)
    assert_clean(str(error) + repr(error) + str(error.describe()))


# ---- against the emulator: the real client, its logs and the server's error text ----------------


@pytest.mark.socket
def test_login_and_doctor_against_the_emulator(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ccc_tui.emulator.server import running_emulator

    monkeypatch.setattr(login, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    with running_emulator(key_pairs={KEY_ID: SECRET}) as url:
        # A wrong secret: the server's SignatureDoesNotMatch quotes its string to sign, token and all.
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", f"wrong{SECRET}")
        assert cli(["login", "--from-env", "--endpoint", url]) == 3
        assert cli(["doctor", "--endpoint", url, "--instance-id", "x"]) == 3
        out, err = capsys.readouterr()
        assert "SignatureDoesNotMatch" in err and "SignatureDoesNotMatch" in out
        assert_clean(out + err, "in a refused login / doctor")
        monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        assert cli(["login", "--from-env", "--endpoint", url, "--instance-id", "x"]) == 0
        for var in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"):
            monkeypatch.delenv(var)
        assert cli(["doctor"]) == 3  # keyring credentials, instance "x" does not exist
        assert cli(["config", "show"]) == 0
        out, err = capsys.readouterr()
        assert "from keyring ccc-tui/default" in out
        assert_clean(out + err, "in login / doctor / config show")
    all_files_clean(tmp_path)


def test_a_crash_inside_the_real_client_renders_no_secret(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    import httpx

    from ccc_tui.api.client import CccClient

    class Exploding(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            raise RuntimeError("transport bug")

    def open_client(key: AccessKey, target: Any) -> CccClient:
        return CccClient(key, endpoint=target.endpoint_url, transport=Exploding())

    monkeypatch.setattr(session, "open_client", open_client)
    monkeypatch.setattr(login, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    exc = crash(["login", "--from-env"])
    rendered = render_with_locals(exc)
    assert "transport bug" in rendered and "handle_async_request" in rendered
    assert_clean(rendered, "in a traceback through the client")
    assert memory_keyring.store == {}


# ---- CCC 2.0 (2020-07-01): signature V3, the token in a header ----------------------------------


def open_2020_client(transport: Any) -> Any:
    def open_client(key: AccessKey, target: Any, **options: Any) -> Any:
        from ccc_tui.api.client import CccClient

        options.setdefault("api_version", target.api_version)
        return CccClient(key, endpoint=target.endpoint_url, transport=transport, **options)

    return open_client


def test_a_crash_inside_a_2020_request_renders_no_secret(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    import httpx

    seen: list[httpx.Request] = []

    class Exploding(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(request)
            raise RuntimeError("transport bug")

    monkeypatch.setattr(session, "open_client", open_2020_client(Exploding()))
    monkeypatch.setattr(login, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    monkeypatch.setenv("CCC_TUI_API_VERSION", "2020-07-01")
    exc = crash(["login", "--from-env"])
    rendered = render_with_locals(exc)
    assert "transport bug" in rendered and "handle_async_request" in rendered
    assert_clean(rendered, "in a traceback through a 2020-07-01 request")
    request = seen[0]
    assert request.headers["x-acs-action"] == "ListInstances"
    assert request.headers["x-acs-security-token"] == TOKEN  # sent, signed …
    assert_clean(repr(request) + repr(request.headers) + str(request.url), "in the request's repr")
    assert memory_keyring.store == {}


def test_a_2020_error_that_echoes_the_signed_headers_is_scrubbed(
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import httpx

    def echo(request: httpx.Request) -> httpx.Response:
        signed = "".join(f"{k}:{v}\n" for k, v in request.headers.items() if k.startswith("x-acs"))
        message = (
            "The request signature does not conform to Aliyun standards. "
            f"Authorization: {request.headers['authorization']} "
            f"server canonical request: POST\n/\n\n{signed}"
        )
        body = {"RequestId": "R-V3", "Code": "SignatureDoesNotMatch", "Message": message}
        return httpx.Response(400, json=body)

    monkeypatch.setattr(session, "open_client", open_2020_client(httpx.MockTransport(echo)))
    monkeypatch.setattr(login, "stdin_is_tty", lambda: False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
    assert cli(["login", "--from-env", "--api-version", "2020-07-01"]) == 3
    assert cli(["doctor", "--instance-id", "ccc-test", "--api-version", "2020-07-01"]) == 3
    out, err = capsys.readouterr()
    assert "SignatureDoesNotMatch" in out + err and "does not conform" in out + err
    assert_clean(out + err, "in a refused 2020-07-01 login / doctor")
    assert "Signature=" not in out + err
