"""The draft plan's shape: the steps and checks of an `Inference`, in the order they run.

copier -> move (module and symbol moves; questions commented out) -> rename -> rebase ->
delete -> (with ruff configured) sort the moved imports and format -> checks -> the
checklist. Every entry keeps the confidence and evidence its inference gave it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from migrator.init.model import DraftPlan, Entry, Section

if TYPE_CHECKING:
    from migrator.init.draft import Inference
    from migrator.init.match import SymbolCandidate
    from migrator.init.rebases import Rebase


def _copier_step(inference: Inference) -> Section:
    answers = inference.answers
    data = {n: Entry(a.value, a.confidence, a.evidence) for n, a in answers.items() if a.written}
    defaults = [f"{n} ({a.value!r}: {a.evidence})" for n, a in answers.items() if not a.written]
    settings: dict[str, Any] = {"src": inference.src, "data": data}
    skip: list[Any] = []
    for decision in inference.files:
        if decision.action == "skip":
            skip.append(Entry(decision.path, "high", decision.evidence))
        elif decision.action == "question":
            skip.append(Entry(decision.path, "low", decision.evidence,
                              question=f"keep the app's {decision.path} (skip), or let the "
                                       f"template's replace it (leave this out)?"))
    if skip:
        settings["skip"] = skip
    merge = {d.path: Entry(d.merge, "high", d.evidence) for d in inference.files if d.action == "merge"}
    if merge:
        settings["merge"] = merge
    evidence = (f"{len(inference.identical)} rendered files are identical in the app already"
                if inference.identical else "")
    if defaults:
        evidence += ("; " if evidence else "") + "left at the template's default: " + "; ".join(defaults)
    return Section(Entry({"name": "Apply the template", "copier": settings}, "", evidence),
                   "The template, with the inferred answers")


def _move_step(inference: Inference) -> Section | None:
    moves: dict[str, Any] = {}
    for module, match in sorted(inference.module_moves.items()):
        evidence = match.evidence() + "".join(f"; {s}" for s in match.support)
        moves[module] = Entry(match.template_module, match.confidence, evidence)
    for move in inference.symbol_moves:
        question = None if move.active else "the module does not move: move this function anyway?"
        moves[move.old] = Entry(move.new, move.confidence, move.evidence, question)
    for module, match in sorted(inference.matching.modules.items()):
        if match.decision == "question":
            moves[module] = Entry(
                match.template_module, "low", match.evidence(),
                question=f"only part of {module}'s API is in {match.template_module}: move it (what "
                         f"is not there has to stay in the app), or move single names?")
    by_symbol: dict[str, list[SymbolCandidate]] = {}
    for candidate in inference.matching.symbols:
        by_symbol.setdefault(candidate.app_symbol, []).append(candidate)
    for symbol, candidates in by_symbol.items():
        if symbol not in moves:
            moves[symbol] = candidate_entry(candidates)
    if not moves:
        return None
    step = {"name": "Point imports at the template's modules", "codemod": "move", "moves": moves}
    active = any(isinstance(v, Entry) and v.active for v in moves.values())
    entry = Entry(step, "", "every import form, attribute chain and dotted string (mock.patch "
                  "targets) of the moved modules")
    if not active:
        entry.question = "no app module matches a template module well enough; move any of these?"
    return Section(entry, "Module moves: the app modules the template's library replaces")


def candidate_entry(candidates: list[SymbolCandidate]) -> Entry:
    """The best candidate as a commented-out move; the others named in its question."""
    best, *others = candidates
    mine, theirs = best.app_symbol.rpartition(".")[2], best.template_symbol.rpartition(".")[2]
    if mine == theirs:
        question = f"{mine} is the template's {best.template_symbol}: use that one (and delete the app's)?"
    else:
        question = f"{mine} has no counterpart under its own name; is it {theirs}?"
    if others:
        question += " Other candidates: " + ", ".join(f"{c.template_symbol} ({c.score:.2f}: {c.evidence})"
                                                      for c in others)
    return Entry(best.template_symbol, "low", f"{best.evidence} (score {best.score:.2f})", question)


def _rename_and_rebase_steps(inference: Inference) -> list[Section]:
    sections = []
    for rebase in inference.rebases:
        if rebase.scaffold_name and rebase.scaffold_name != rebase.app_class.rpartition(".")[2]:
            rename = {"name": f"{rebase.app_class.rpartition('.')[2]} becomes {rebase.scaffold_name}",
                      "codemod": "rename", "symbol": rebase.app_class, "to": rebase.scaffold_name}
            sections.append(Section(Entry(
                rename, "low" if rebase.rename_question else "high",
                f"the template's scaffolding ({rebase.scaffold_path}) names this class "
                f"{rebase.scaffold_name}", rebase.rename_question)))
        base = rebase.base.partition(" as ")[0]
        mine = rebase.class_after_rename.rpartition(".")[2]
        theirs = base.rpartition(".")[2]
        step: dict[str, Any] = {
            "name": f"{mine} extends {base if theirs == mine else theirs}",
            "codemod": "rebase", "class": rebase.class_after_rename, "bases": [rebase.base],
            "drop_inherited": True,
        }
        sections.append(Section(Entry(step, rebase.confidence, rebase.evidence + _member_report(rebase))))
    return sections


def _member_report(rebase: Rebase) -> str:
    text = ""
    if rebase.dropped:
        text += f"; dropped as equivalent: {', '.join(rebase.dropped)}"
    if rebase.kept:
        text += f"; kept because they differ: {', '.join(rebase.kept)}"
    if rebase.kept_reading:
        text += f"; kept because they read a member it keeps: {', '.join(rebase.kept_reading)}"
    return text


def _delete_step(inference: Inference) -> Section | None:
    if not inference.deletions:
        return None
    paths = [Entry(d.path, d.confidence, d.evidence) for d in inference.deletions]
    step = {"name": "Delete what the template replaces", "delete": paths}
    return Section(Entry(step, "", "refused at run time while anything still imports them"))


def _format_steps(inference: Inference) -> list[Section]:
    if not inference.ruff:
        return []
    # no import-sorting step: the codemods put the imports they write where the project's
    # isort settings want them, and `ruff check --fix .` would re-sort every file of the app
    why = (f"the app configures ruff ({inference.ruff}); this formats every file of the project, "
           "the template's included; leave it out if the project is not formatted with ruff")
    step = {"name": "Format the project with ruff",
            "command": ["python", "-m", "ruff", "format", "--quiet", "."]}
    if inference.format_differs:
        question = ("the app formats with other settings than the template's files are formatted "
                    f"with ({'; '.join(inference.format_differs)}), so this reformats the "
                    "template's files too (they then differ from the template); format anyway?")
        return [Section(Entry(step, "medium", why, question=question))]
    return [Section(Entry(step, "medium", why))]


def build_plan(inference: Inference, app_name: str) -> DraftPlan:
    name = next((str(a.value) for n, a in inference.answers.items()
                 if n.endswith("name") and a.written and isinstance(a.value, str)), app_name)
    plan = DraftPlan(
        name=name,
        description=f"Move {name} onto the template {inference.src} (drafted by migrate init).",
        header=[
            f"Drafted by `migrate init` from {inference.target} and the template {inference.src}.",
            ("Each entry's comment gives its confidence (high, medium, low) and its evidence. "
            "Entries written commented out are questions for you; the end of the file lists "
            "what remains for a human (write and patch steps)."),
        ],
    )
    plan.steps.append(_copier_step(inference))
    move = _move_step(inference)
    if move is not None:
        plan.steps.append(move)
    plan.steps += _rename_and_rebase_steps(inference)
    delete = _delete_step(inference)
    if delete is not None:
        plan.steps.append(delete)
    plan.steps += _format_steps(inference)
    plan.checks = [Section(check) for check in inference.checks]
    plan.checklist = inference.checklist
    return plan
