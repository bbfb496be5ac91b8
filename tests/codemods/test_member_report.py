"""The step report's line for each member `rebase` compares (issue 10, item 2)."""

from __future__ import annotations

from migrator.codemods.class_members import ClassSource
from migrator.codemods.member_equivalence import Verdict, compare_members

BASE = '''\
class Base:
    def poll(self, name: str) -> None:
        self.seen.append(name)

    def stop(self) -> None:
        self.running = False
'''
OWN = '''\
from common.base import Base


class Own(Base):
    def poll(self, name: str) -> None:
        self.seen.append(name.upper())

    def stop(self, wait: bool = False) -> None:
        self.running = False
'''


def _verdicts(**forced: list[str]) -> dict[str, str]:
    own = ClassSource("app.own", "Own", OWN)
    bases = [ClassSource("common.base", "Base", BASE)]
    return {v.name: v.describe("Own") for v in compare_members(own, bases, **forced)}


def test_a_method_with_the_same_signature_and_another_body_says_so():
    lines = _verdicts()
    assert lines["poll"] == (
        "Own.poll: kept (differs): `def poll(self, name: str) -> None: ...` here and in Base, "
        "with another body"
    )


def test_a_method_with_another_signature_shows_both():
    lines = _verdicts(drop=["stop"])
    assert lines["stop"] == (
        "Own.stop: dropped (drop:; differs): `def stop(self, wait: bool=False) -> None: ...` "
        "here, `def stop(self) -> None: ...` in Base"
    )


def test_verdicts_are_the_ones_the_lines_describe():
    own = ClassSource("app.own", "Own", OWN)
    bases = [ClassSource("common.base", "Base", BASE)]
    verdicts = {v.name: v.verdict for v in compare_members(own, bases, drop=["stop"])}
    assert verdicts == {"poll": Verdict.KEPT_DIFFERS, "stop": Verdict.DROPPED_FORCED}
