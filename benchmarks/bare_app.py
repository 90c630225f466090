"""The floors of `make bench`: a bare Flask app on the same SQLite settings — a page reading one row
(served by gunicorn like the app, in the scale series) and a POST committing one row (approval)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, redirect
from flask_sqlalchemy import SQLAlchemy


def create_app(database: Path | None = None) -> Flask:
    app = Flask("bare")
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database or os.environ['BARE_DB']}"
    db = SQLAlchemy(app)

    class Row(db.Model):
        id = db.Column(db.Integer, primary_key=True)
        text = db.Column(db.String(50))

    @app.get("/row")
    def row():
        return db.session.get(Row, 1).text

    @app.post("/rows")
    def add():
        db.session.add(Row(text="x"))
        db.session.commit()
        return redirect("/rows")

    with app.app_context():
        db.create_all()
        if db.session.get(Row, 1) is None:
            db.session.add(Row(id=1, text="一行"))
            db.session.commit()
    return app
