"""Folders given as relative paths (``make serve``'s ``--instance instance``) are made absolute at start: every
command's path options, and the workspace's Settings, so a library that resolves a relative path somewhere else
(Flask's ``send_file`` reads one against the package folder) still finds the file.  ``tests/test_make_serve.py``
drives the same through ``make serve`` in a browser."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.commands.common import AbsolutePath
from tests.conftest import ROOT


def path_params(command: click.Command, name: str = "handle-docs"):
    """(command name, parameter) for every parameter of ``command`` and its subcommands."""
    for param in command.params:
        yield name, param
    if isinstance(command, click.Group):  # the top group loads its commands lazily: ask it for each
        context = click.Context(command)
        for sub_name in command.list_commands(context):
            yield from path_params(command.get_command(context, sub_name), f"{name} {sub_name}")


def test_every_path_a_command_takes_is_made_absolute():
    paths = [(name, param.name) for name, param in path_params(cli) if isinstance(param.type, click.Path)]
    assert len(paths) >= 30, paths  # every command's folders and files
    relative = [
        (name, param.name)
        for name, param in path_params(cli)
        if isinstance(param.type, click.Path) and not isinstance(param.type, AbsolutePath)
    ]
    assert relative == []


def test_a_relative_path_and_its_default_are_made_absolute_against_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content").mkdir()
    seen = {}

    @click.command()
    @click.option("--folder", type=AbsolutePath(file_okay=False, path_type=Path), default=Path("content"))
    @click.option("--file", type=AbsolutePath(dir_okay=False), default=None)
    def show(folder, file):
        seen.update(folder=folder, file=file)

    assert CliRunner().invoke(show, []).exit_code == 0
    assert seen["folder"] == Path.cwd() / "content"
    assert CliRunner().invoke(show, ["--folder", "a/../b", "--file", "log.txt"]).exit_code == 0
    assert seen == {"folder": Path.cwd() / "b", "file": str(Path.cwd() / "log.txt")}


def test_a_symlinked_folder_is_kept_as_named_so_beside_it_means_beside_the_link(tmp_path, monkeypatch):
    (tmp_path / "elsewhere" / "content").mkdir(parents=True)
    (tmp_path / "force").mkdir()
    (tmp_path / "force" / "content").symlink_to(tmp_path / "elsewhere" / "content", target_is_directory=True)
    monkeypatch.chdir(tmp_path / "force")
    made = AbsolutePath(file_okay=False, path_type=Path).convert("content", None, None)
    assert made == Path.cwd() / "content" and made.parent / "templates" == Path.cwd() / "templates"


def test_a_missing_path_is_still_named_as_typed():
    @click.command()
    @click.argument("records", type=AbsolutePath(exists=True, dir_okay=False, path_type=Path))
    def show(records):
        pass

    result = CliRunner().invoke(show, ["no-such.csv"])
    assert result.exit_code == 2 and "'no-such.csv' does not exist" in result.output


def test_the_workspace_settings_make_their_folders_absolute(tmp_path, monkeypatch):
    from handle_docs.web import Settings

    monkeypatch.chdir(tmp_path)
    settings = Settings(
        content=Path("content"), instance=Path("instance"), key=Path("keys/workspace"), templates="templates"
    )
    assert settings.content == tmp_path / "content" and settings.instance == tmp_path / "instance"
    assert (
        settings.key_path == tmp_path / "keys" / "workspace"
        and settings.templates_dir == tmp_path / "templates"
    )
    assert settings.review_dir == tmp_path / "review"
    assert Settings().instance == tmp_path / "instance"


def test_a_preview_image_is_served_from_a_relative_instance_folder(content_copy, monkeypatch):
    # make serve's own folders, relative to where it is started: the page image is sent, not a 500
    from handle_docs.web import Settings, create_app

    monkeypatch.chdir(content_copy.parent)
    app = create_app(
        Settings(
            content=Path("content"),
            instance=Path("instance"),
            key=ROOT / "examples" / "demo-keys" / "demo-workspace",
        )
    )
    app.config["TESTING"] = True
    client = app.test_client()
    try:
        page = client.get("/materials/lock-it-leaflet/edit").get_data(as_text=True)
        form = {
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            "base_sha256": re.search(r'name="base_sha256" value="([^"]+)"', page).group(1),
        }
        shown = client.post("/materials/lock-it-leaflet/preview", data=form).get_data(as_text=True)
        for _ in range(240):
            if "<img" in shown:
                break
            poll = re.search(r'hx-get="([^"]+)"', shown).group(1).replace("&amp;", "&")
            shown = client.get(poll).get_data(as_text=True)
        image = re.search(r'<img src="([^"]+)"', shown).group(1)
        png = client.get(image)
        assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    finally:
        app.extensions["handle_docs"]["previewer"].close()
    assert (content_copy.parent / "instance" / "cache" / "preview").is_dir()


@pytest.mark.parametrize("command", ["init", "serve", "letters"])
def test_the_help_still_shows_the_defaults_as_typed(command):
    # the default is made absolute when the command runs, not in its help
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and str(ROOT) not in result.output
