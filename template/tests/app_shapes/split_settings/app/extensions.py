"""Flask extensions."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
