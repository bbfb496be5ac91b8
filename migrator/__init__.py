"""template-migrator: move a Flask backend onto a shared Copier template, prove it, or roll back."""

__version__ = "0.1.0"
