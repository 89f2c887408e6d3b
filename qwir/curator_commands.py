"""Curator CLI commands (create-curator, tokens), registered on the `flask qwir` group."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from qwir import curators


def _read_password_from_stdin() -> str:
    # Only the first line counts, so `echo secret | ...` and here-strings behave the same.
    return sys.stdin.readline().rstrip("\r\n")


@click.command("create-curator")
@with_appcontext
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_curator_command(email: str, password_stdin: bool) -> None:
    """Create a curator account (the password is prompted for, or read from stdin)."""
    if password_stdin:
        password = _read_password_from_stdin()
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        curator = curators.create_curator(email, password)
    except curators.CuratorError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created curator {curator.email} (id {curator.id}).")


@click.command("issue-token")
@with_appcontext
@click.argument("email")
@click.option("--label", default="", help="What the token is for, shown in the admin page.")
def issue_token_command(email: str, label: str) -> None:
    """Issue a bearer token for the write API; it is printed once and stored only as a hash."""
    curator = curators.find_curator(email)
    if curator is None:
        raise click.ClickException(f"No curator with the email {curators.normalise_email(email)}.")
    try:
        issued = curators.issue_token(curator, label)
    except curators.CuratorError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Token {issued.token.id} for {curator.email} (keep it now, it is not shown again):")
    click.echo(issued.secret)


@click.command("list-tokens")
@with_appcontext
@click.argument("email")
def list_tokens_command(email: str) -> None:
    """List a curator's tokens with their state (never the secrets)."""
    curator = curators.find_curator(email)
    if curator is None:
        raise click.ClickException(f"No curator with the email {curators.normalise_email(email)}.")
    for token in curators.curator_tokens(curator):
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        click.echo(f"{token.id}\t{state}\t{token.label}")


@click.command("revoke-token")
@with_appcontext
@click.argument("token_id", type=int)
def revoke_token_command(token_id: int) -> None:
    """Revoke a bearer token by its id; it stops working at once."""
    try:
        curators.revoke_token(token_id)
    except curators.CuratorError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Revoked token {token_id}.")


def register(group: click.Group) -> None:
    """Attach the curator commands to the `qwir` command group."""
    for command in (create_curator_command, issue_token_command, list_tokens_command, revoke_token_command):
        group.add_command(command)
