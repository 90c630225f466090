"""The floor of the scale series: a bare Flask page reading one row, served by gunicorn like the app."""

from __future__ import annotations

import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy


def create_app() -> Flask:
    app = Flask("bare")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{os.environ['BARE_DB']}"
    db = SQLAlchemy(app)

    class Row(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        text = db.Column(db.String(50))

    @app.get("/row")
    def row():
        return db.session.get(Row, 1).text

    with app.app_context():
        db.create_all()
        if db.session.get(Row, 1) is None:
            db.session.add(Row(id=1, text="一行"))
            db.session.commit()
    return app
