"""``python -m flask_support`` (from examples/): serve the support site on 127.0.0.1.

The port comes from ``PORT`` (default 5000). The database is ``support.db`` in the
instance folder unless ``SOCIALCRM_DATABASE_URL`` says otherwise.
"""

from __future__ import annotations

import os

from flask_support import create_app


def main() -> None:
    """Seed (if needed) and serve until interrupted."""
    port = int(os.environ.get("PORT", "5000"))
    app = create_app()
    print(f"Support community on http://127.0.0.1:{port}/ (sign in as a demo user)")
    app.run(host="127.0.0.1", port=port, debug=False)


if __name__ == "__main__":
    main()
