"""csapp — appraisal, pay and promotion for a call-centre department."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the Flask app: instance-relative config, templates and static at the repo root."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_mapping(SECRET_KEY="dev-only-change-me")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from .cli.rules import rules_cli
    from .views.home import bp as home_bp

    app.cli.add_command(rules_cli)
    app.register_blueprint(home_bp)
    return app
