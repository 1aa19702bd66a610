"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from icat.core.db import Base, is_model_object

# Models subclass the plain ``Base`` (no Flask import); sharing its metadata lets
# Flask-SQLAlchemy manage engine and session and Flask-Migrate see every table.
db = SQLAlchemy(metadata=Base.metadata)
# Batch mode: SQLite cannot ALTER most things, so Alembic copies the table instead.
migrate = Migrate(render_as_batch=True, compare_type=True, include_name=is_model_object)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def import_models() -> None:
    """Import every model module so their tables join the metadata (migrations, tests)."""
    import icat.accounts.models
    import icat.calendar.models
    import icat.calendar.tracking  # the feeds' change counter listens on every session
    import icat.core.once
    import icat.core.outbox
    import icat.meetings.models
    import icat.notifications.models
    import icat.observances.models
    import icat.publications.models
    import icat.registry.models
    import icat.rotation.models
    import icat.workplan.models  # noqa: F401
