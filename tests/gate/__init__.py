"""Offline SQL gate: checks of rendered statements without an Oracle server."""
