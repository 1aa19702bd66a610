"""``flask --app wsgi icat …`` commands: seed, users, tokens, and the worker."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from icat.accounts import services as accounts
from icat.accounts import tokens
from icat.core.actor import SYSTEM
from icat.core.errors import DomainError
from icat.core.permissions import ROLES
from icat.core.uow import unit_of_work
from icat.extensions import db
from icat.meetings import reference as meeting_history
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.publications import reference as publication_history
from icat.registry import services as registry
from icat.registry.reference import load_reference, reference_entities
from icat.rotation import services as rotation

icat_cli = AppGroup("icat", help="ICAT Workspace commands.")
log = logging.getLogger(__name__)


def _fail(error: DomainError) -> click.ClickException:
    details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.fields.items())
    # str() renders lazy messages now: the CLI has no request, so they come out in English.
    return click.ClickException(f"{error.message} {details}".strip())


@icat_cli.command("seed")
def seed() -> None:
    """Load ICAT's real members and partners (idempotent: existing entries are kept, but for
    their official names, which follow the reference data)."""
    with unit_of_work(db.session):
        added, renamed, kept = registry.seed_reference(db.session, actor=SYSTEM, entities=reference_entities())
    click.echo(f"Registry: {added} entities added, {kept} already present, {renamed} with names brought up to date.")
    with unit_of_work(db.session):
        added, kept = observances.seed_reference(db.session, actor=SYSTEM, observances=reference_observances())
    click.echo(f"Observances: {added} added, {kept} already present.")
    with unit_of_work(db.session):
        added, kept = rotation.seed_history(db.session, actor=SYSTEM, chairs=load_reference()["chairs"])
    click.echo(f"Co-chairs: {added} years added, {kept} already present.")
    with unit_of_work(db.session):
        added, kept, skipped = meeting_history.seed_history(db.session, actor=SYSTEM, data=load_reference())
    click.echo(f"Past meetings: {added} added, {kept} already present, {skipped} without a date skipped.")
    with unit_of_work(db.session):
        added, kept, skipped = publication_history.seed_history(db.session, actor=SYSTEM, data=load_reference())
    click.echo(f"Publications: {added} added, {kept} already present, {skipped} without a title skipped.")


@icat_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--entity", "entity", default=None, help="Acronym of the entity a focal point acts for.")
@click.option("--name", "display_name", default="")
def create_user(email: str, password: str, role: str, entity: str | None, display_name: str) -> None:
    """Create a user."""
    try:
        with unit_of_work(db.session):
            user = accounts.create_user(
                db.session,
                actor=SYSTEM,
                email=email,
                password=password,
                role=role,
                entity_acronym=entity,
                display_name=display_name,
            )
    except DomainError as error:
        raise _fail(error) from error
    click.echo(f"Created {user.role} {user.email}.")


@icat_cli.command("create-token")
@click.option("--email", required=True)
@click.option("--name", default="cli", show_default=True, help="A name to recognise the token by.")
def create_token(email: str, name: str) -> None:
    """Issue an API token for a user; it is printed once, as the last word."""
    try:
        with unit_of_work(db.session):
            user = accounts.find_user(db.session, email)
            token, raw = accounts.create_token(db.session, actor=SYSTEM, user=user, kind="api", name=name)
    except DomainError as error:
        raise _fail(error) from error
    click.echo(f'API token {token.id} "{token.name}" for {user.email} (shown once, store it now): {raw}')


@icat_cli.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(token_id: int) -> None:
    """Revoke one token (API or feed) by its id; it stops working at once."""
    try:
        with unit_of_work(db.session):
            token, revoked_now = tokens.revoke(db.session, actor=SYSTEM, token_id=token_id, kind=None)
            what = f'{token.kind} token {token.id} "{token.name}" of {token.user.email}'
            when = token.revoked_at.isoformat()
    except DomainError as error:
        raise _fail(error) from error
    click.echo(f"Revoked {what} at {when}." if revoked_now else f"Already revoked: {what}, at {when}.")


@icat_cli.command("ensure-admin")
@click.option("--email", default="admin@icat.example")
def ensure_admin(email: str) -> None:
    """Create a first admin if there is none, printing its password once."""
    with unit_of_work(db.session):
        created = accounts.ensure_local_admin(db.session, email=email)
    if created:
        user, password = created
        click.echo(f"Local admin created: {user.email} / {password}  (shown once)")
    else:
        click.echo("An admin exists already; no account created.")


@icat_cli.command("worker")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron or tests).")
def worker(once: bool) -> None:
    """Run the background worker: the relay and the other fixed jobs (DESIGN §2)."""
    from icat.scheduler import JOBS, build_scheduler, run_job

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        for job in JOBS:
            run_job(app, job)
        return
    scheduler = build_scheduler(app)

    def stop(signum: int, _frame: FrameType | None) -> None:
        # Shut down from a thread of its own, not inside the handler: the signal can land
        # while the main thread holds the executor's lock (submitting a job), and shutting
        # the executor down from that same thread then fails or blocks. The main loop ends
        # once the scheduler is stopped; the process waits for the running jobs.
        log.info("worker: signal %s, finishing running jobs", signum)
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}, name="shutdown").start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker started: jobs %s; links use %s", ", ".join(job.id for job in JOBS), app.config["BASE_URL"])
    scheduler.start()
    log.info("worker stopped")


def register_cli(app: Flask) -> None:
    app.cli.add_command(icat_cli)
