"""Wiring: the one composition root (:class:`Container`), built from Settings once, at
start-up; its parts are grouped by layer in the modules beside this one."""

from colonnade.container.root import Container

__all__ = ["Container"]
