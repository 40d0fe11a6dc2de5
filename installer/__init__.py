"""lsnrmine: mine the Oracle TNS listener log."""

__version__ = "0.1.0"
