"""What several training services share: the optimistic version counter and its conflict."""

from __future__ import annotations


def bump_version(obj) -> None:
    obj.version = (obj.version or 0) + 1


class StaleVersion(Exception):
    def __init__(self, obj):
        super().__init__("stale")
        self.obj = obj
