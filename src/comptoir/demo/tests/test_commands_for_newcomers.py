"""What a newcomer reads and types (issue 10, item 23): `comptoir --help` lists every command of the README, the
README's table names the demo's options, `simulate --help` shows its defaults, a busy port is said in one line
naming --addr, and seeding options given for a demo already seeded are said to be ignored."""

from __future__ import annotations

import io
import re
import socket
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from comptoir.cli import ALIASES, main
from comptoir.core.models import AuditLog
from comptoir.core.services import audit_record
from comptoir.demo.seeding import MARKER_ACTION

README = Path(settings.BASE_DIR) / "README.md"


def _readme_commands() -> list[list[str]]:
    """The commands of the README's command table, as words: [["demo"], ["ledger", "verify"], ["bench", "trust"]]."""
    commands = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `comptoir "):
            continue
        first_cell = line.split("|")[1]
        for span in re.findall(r"`([^`]+)`", first_cell):
            words = []
            for word in span.removeprefix("comptoir ").split():
                if not re.fullmatch(r"[a-z][a-z0-9_-]*", word):
                    break
                words.append(word)
            commands.append(words)
    return commands


def test_the_readme_table_is_read_whole():
    commands = _readme_commands()
    assert ["demo"] in commands and ["ledger", "seal"] in commands and ["bench", "trust"] in commands
    assert len(commands) >= 15


def test_every_command_of_the_readme_exists(capsys):
    known = set(get_commands()) | set(ALIASES)
    assert [words for words in _readme_commands() if words[0] not in known] == []


def test_comptoir_help_lists_every_command_of_the_readme(capsys):
    main(["--help"])  # our summary, then Django's list of every command
    summary = capsys.readouterr().out
    lines = [line.strip() for line in summary.splitlines()]
    missing = [
        " ".join(words)
        for words in _readme_commands()
        if not any(line.startswith(f"comptoir {words[0]}") and all(word in line for word in words) for line in lines)
    ]
    assert missing == []


def test_the_readme_names_the_demo_options_a_newcomer_needs():
    demo_row = next(
        line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `comptoir demo ")
    )
    for option in ("--seed", "--reset", "--no-serve", "--addr"):
        assert option in demo_row


def test_simulate_help_shows_every_default(capsys):
    from comptoir.trust.domain.simulation import SimulationOptions

    with pytest.raises(SystemExit):
        main(["simulate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    defaults = SimulationOptions()
    for option, value in (
        ("--sellers", defaults.sellers),
        ("--buyers", defaults.buyers),
        ("--days", defaults.days),
        ("--seed", defaults.seed),
        ("--attack", "all"),
    ):
        assert re.search(rf"{option} .*?\(default {value}\)", text), option


@pytest.fixture
def busy_port():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    yield listener.getsockname()[1]
    listener.close()


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["demo", "serve"])
def test_a_busy_port_is_said_in_one_line_naming_addr(command, busy_port, monkeypatch):
    def server_started(*args, **kwargs):
        raise AssertionError("a server was started on a busy port")

    # Never let a regression replace this test process with gunicorn, nor start the development server.
    monkeypatch.setattr("os.execv", server_started)
    monkeypatch.setattr("django.core.management.commands.runserver.Command.handle", server_started)
    with pytest.raises(CommandError) as raised:
        call_command(command, "--addr", f"127.0.0.1:{busy_port}", stdout=io.StringIO())
    message = str(raised.value)
    assert "\n" not in message
    assert f"127.0.0.1:{busy_port} is already in use" in message
    assert re.search(r"--addr 127\.0\.0\.1:\d+", message)
    assert f"--addr 127.0.0.1:{busy_port}." not in message  # the suggestion is another port
    # and the demo said it before seeding anything
    assert not AuditLog.objects.filter(action=MARKER_ACTION).exists()


@pytest.mark.django_db
def test_seeding_options_given_for_a_seeded_demo_are_said_to_be_ignored():
    # Given a database the demo marker says was seeded from seed 42
    from comptoir.testing.builders import make_operator

    operator = make_operator()
    audit_record(
        actor=operator,
        action=MARKER_ACTION,
        target=operator,
        data={"seed": 42, "sizes": {"sellers": 32, "products": 2000, "orders": 2000, "buyers": 200}},
    )
    # when the demo is asked for seed 7, then it says that --seed 7 was ignored and how to apply it
    output = io.StringIO()
    call_command("demo", "--no-serve", "--seed", "7", stdout=output)
    text = output.getvalue()
    assert "Ignored --seed 7: the demo marketplace is already seeded (seed 42, 32 sellers" in text
    assert "Add --reset to erase it and seed again with --seed 7." in text
    # and without seeding options it only says the demo is there
    output = io.StringIO()
    call_command("demo", "--no-serve", stdout=output)
    assert "Ignored" not in output.getvalue() and "already seeded (seed 42" in output.getvalue()
