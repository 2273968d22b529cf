"""``handle-docs users …``: the workspace's accounts (add, passwd, disable,
remove, list) and the sign-in audit.

Accounts live in the instance folder (``--instance``, default ./instance),
outside content/, in a 0600 file; passwords are hashed with Argon2id.  A new
password, disabling and removing end that account's sessions at once (their
rows in the instance database are deleted).  Imports neither Flask nor the
previewer: it is the library's :mod:`handle_docs.identity` behind a prompt.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from handle_docs.identity import accounts as accounts_lib
from handle_docs.identity import audit
from handle_docs.review import load_policy

from .common import AbsolutePath

instance_option = click.option(
    "--instance",
    type=AbsolutePath(file_okay=False, path_type=Path),
    default=Path("instance"),
    show_default=True,
    help="The workspace's own folder (the one `handle-docs serve --instance` uses).",
)
stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (for scripted set-ups).",
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt="Password again")


def _done(action):
    try:
        return action()
    except accounts_lib.AccountError as exc:
        raise click.UsageError(str(exc)) from None


@click.group("users")
def users():
    """Accounts that may sign in to the workspace (`handle-docs serve`)."""


@users.command("add")
@click.argument("account_id", metavar="ID")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="A reviewer role of review-policy.yaml, 'editor' (may change wording), 'officer' or 'admin' "
    "(accounts and the sign-in audit in the browser); repeat for more.",
)
@click.option(
    "--content",
    "content_dir",
    type=AbsolutePath(file_okay=False, path_type=Path),
    default=Path("content"),
    show_default=True,
    help="Content folder whose review-policy.yaml lists the reviewer roles.",
)
@click.option(
    "--name", default=None, help="The person's name, as the workspace shows it and the history records it."
)
@click.option(
    "--email",
    default=None,
    help="Their e-mail address, which the force folder's history credits their changes to.",
)
@instance_option
@stdin_option
def add(account_id, roles, content_dir, instance, password_stdin, name, email):
    """Add the account ID. For a reviewer, ID is their id in the reviewer registry."""
    policy, problems = load_policy(content_dir)
    if problems:
        raise click.UsageError("; ".join(str(p) for p in problems))
    _done(lambda: accounts_lib.check_new(instance, account_id, list(roles), policy.roles))
    _done(lambda: accounts_lib.check_name_and_email(name, email))
    account = _done(
        lambda: accounts_lib.add_account(
            instance,
            account_id,
            list(roles),
            _password(password_stdin),
            allowed=policy.roles,
            name=name,
            email=email,
        )
    )
    click.echo(
        f"added account {account.id} ({', '.join(account.roles)}) to {accounts_lib.accounts_path(instance)}"
    )


@users.command("passwd")
@click.argument("account_id", metavar="ID")
@instance_option
@stdin_option
def passwd(account_id, instance, password_stdin):
    """Set a new password for ID (signs out that account's open sessions)."""
    if _done(lambda: accounts_lib.load_accounts(instance).get(account_id)) is None:
        raise click.UsageError(f"there is no account {account_id} (see: handle-docs users list)")
    _done(lambda: accounts_lib.set_password(instance, account_id, _password(password_stdin)))
    click.echo(f"new password set for {account_id}; its sessions have ended")


@users.command("disable")
@click.argument("account_id", metavar="ID")
@instance_option
def disable(account_id, instance):
    """Stop ID signing in; their open sessions stop working at once."""
    _done(lambda: accounts_lib.disable_account(instance, account_id))
    click.echo(f"disabled account {account_id}; its sessions have ended")


@users.command("remove")
@click.argument("account_id", metavar="ID")
@instance_option
def remove(account_id, instance):
    """Delete the account ID (a demo account, say); its sessions end at once."""
    _done(lambda: accounts_lib.remove_account(instance, account_id))
    click.echo(f"removed account {account_id}; its sessions have ended")


@users.command("list")
@instance_option
def list_(instance):
    """Every account, its roles and whether it is disabled or a demo account (never a password or hash)."""
    found = _done(lambda: accounts_lib.load_accounts(instance))
    if not found:
        click.echo(f"no accounts in {instance} (add one: handle-docs users add ID --role ROLE)")
        return
    click.echo(f"{'ID':<24} {'ROLES':<40} STATE")
    for account in sorted(found.accounts.values(), key=lambda a: a.id):
        state = "disabled" if account.disabled else "active"
        demo = " (demo: published password)" if account.demo else ""
        click.echo(f"{account.id:<24} {', '.join(account.roles):<40} {state}{demo}")


@users.command("audit")
@click.option(
    "--days",
    type=click.IntRange(1, audit.KEEP_DAYS),
    default=7,
    show_default=True,
    help=f"How many days back to show (entries are kept {audit.KEEP_DAYS} days).",
)
@instance_option
def audit_(days, instance):
    """Sign-ins, wrong passwords, throttled attempts and sign-outs: when, which account, from which address."""
    found = audit.entries(instance, since=time.time() - days * 86400)
    if not found:
        click.echo(f"no sign-in activity in the last {days} day(s) in {instance}")
        return
    click.echo(f"{'WHEN (UTC)':<20} {'WHAT':<15} {'ACCOUNT':<24} ADDRESS")
    for entry in found:
        when = dt.datetime.fromtimestamp(entry.at, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        click.echo(
            f"{when:<20} {entry.event:<15} {entry.account or '(no such account)':<24} {entry.address or '?'}"
        )
