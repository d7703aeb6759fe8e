"""openentry: an open, auditable engine for Canada's Express Entry system."""

__version__ = "0.1.0"
