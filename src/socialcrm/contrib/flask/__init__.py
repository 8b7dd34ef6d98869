"""socialcrm in a Flask app: the :class:`SocialCRM` extension.

>>> from flask import Flask
>>> from socialcrm.contrib.flask import SocialCRM, current_community
>>> app = Flask(__name__)
>>> app.config["SOCIALCRM_DATABASE_URL"] = "sqlite:///:memory:"
>>> socialcrm = SocialCRM(app)
>>> with app.app_context():
...     current_community.members.join(external_id="1", display_name="Ada").id
1
>>> socialcrm.close(app)

Needs the ``flask`` extra (``pip install 'socialcrm[flask]'``). See docs/flask.md.
"""

from socialcrm.contrib.flask.actors import (
    default_member_profile,
    flask_login_actor,
    member_for_user,
)
from socialcrm.contrib.flask.errors import (
    error_body,
    error_page,
    error_response,
    html_error_response,
    register_error_handlers,
    register_html_error_handlers,
    status_for,
)
from socialcrm.contrib.flask.extension import (
    CONFIG_KEYS,
    EXTENSION_KEY,
    SocialCRM,
    SocialCRMState,
    UncommittedWritesWarning,
    UnknownSettingWarning,
    current_actor,
    current_community,
    current_member,
    mark_request_failed,
    require_actor,
)
from socialcrm.contrib.flask.storage import SessionJoiningStorage

__all__ = [
    "CONFIG_KEYS",
    "EXTENSION_KEY",
    "SessionJoiningStorage",
    "SocialCRM",
    "SocialCRMState",
    "current_actor",
    "current_community",
    "current_member",
    "default_member_profile",
    "UncommittedWritesWarning",
    "UnknownSettingWarning",
    "error_body",
    "error_page",
    "error_response",
    "flask_login_actor",
    "html_error_response",
    "mark_request_failed",
    "member_for_user",
    "register_error_handlers",
    "register_html_error_handlers",
    "require_actor",
    "status_for",
]
