"""The `patch` step: apply a unified diff shipped beside the plan, with a 3-way fallback.

    - patch: files/config-hand-edits.diff
    - patch: {file: files/config-hand-edits.diff, strip: 1}

For the few app-specific hand edits no codemod should encode. The diff is applied with
`git apply`; when it does not apply as is, `git apply --3way` merges it using the blobs
its `index` lines name (against a scratch index, so the repository's index is left
alone). A hunk that still does not apply fails the step, naming the file and the hunk,
and leaves the files as they were.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import ClassVar

from pydantic import Field, PrivateAttr

from migrator.errors import PreflightError, StepFailed
from migrator.paths import inside_target
from migrator.steps.base import StepContext, StepModel, StepOutcome
from migrator.steps.registry import register_step

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_FAILED = re.compile(r"patch failed: (.+):(\d+)$", re.MULTILINE)
_CONFLICT = re.compile(r"^Applied patch to '(.+)' with conflicts", re.MULTILINE)


@dataclass
class FilePatch:
    path: str
    """Target-relative path after the patch (the old path for a deletion)."""
    hunks: list[tuple[int, str]] = field(default_factory=list)
    """(old start line, the `@@ ... @@` header) of each hunk, in order."""


def _strip(path: str, strip: int) -> str | None:
    path = path.split("\t", 1)[0].strip()
    if path == "/dev/null":
        return None
    if path.startswith('"') and path.endswith('"'):
        path = path[1:-1]
    parts = PurePosixPath(path).parts
    return "/".join(parts[strip:]) if len(parts) > strip else None


def parse_diff(text: str, strip: int = 1) -> list[FilePatch]:
    """The files a unified diff touches and the hunks of each."""
    files: list[FilePatch] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            old = _strip(line[4:], strip)
            new = _strip(lines[i + 1][4:], strip)
            path = new or old
            if path is not None:
                files.append(FilePatch(path))
        elif (match := _HUNK.match(line)) and files:
            files[-1].hunks.append((int(match.group(1)), line.split(" @@")[0] + " @@"))
        elif line.startswith(("rename from ", "rename to ", "copy to ")):
            # git's rename/copy headers carry paths without the a/ b/ prefixes
            files.append(FilePatch(line.split(" ", 2)[2]))
    return files


def paths_git_applies(diff: Path, strip: int) -> list[str]:
    """Every path `git apply -pSTRIP` would touch, as git itself reads the diff: besides the
    `---`/`+++` files, the entries only a `diff --git` header names (a mode change, an empty
    file created or deleted), which `parse_diff` does not see."""
    out = subprocess.run(["git", "apply", "--numstat", "-z", f"-p{strip}", str(diff)],
                         cwd=diff.parent, capture_output=True, check=False)
    if out.returncode != 0:
        return []  # git apply itself refuses the diff; the step fails when it runs it
    fields = out.stdout.decode("utf-8", "surrogateescape").split("\0")
    paths: list[str] = []
    index = 0
    while index < len(fields):
        row = fields[index]
        index += 1
        if not row:
            continue
        name = row.split("\t", 2)[2] if row.count("\t") >= 2 else ""
        if name:
            paths.append(name)
        else:  # a rename or copy: `added<TAB>deleted<TAB>` then the old and the new path
            paths += [p for p in fields[index:index + 2] if p]
            index += 2
    return paths


def folder_in_repository(root: Path) -> str:
    """`root`'s path inside its git repository (`backend/`), or "" at the top."""
    return subprocess.run(
        ["git", "rev-parse", "--show-prefix"], cwd=root, capture_output=True, text=True,
        check=False,
    ).stdout.strip()


@register_step
class PatchStep(StepModel):
    """Apply the unified diff `file` (plan-relative) to the target."""

    kind: ClassVar[str] = "patch"
    shorthand: ClassVar[str] = "file"
    shipped_fields: ClassVar[tuple[str, ...]] = ("file",)

    file: str
    strip: int = Field(default=1, ge=0)
    """Leading path components to drop from the diff's paths (`git apply -p`)."""

    _touched: list[str] | None = PrivateAttr(default=None)

    def title(self) -> str:
        return self.name or f"patch {self.file}"

    def declared_paths(self) -> list[str]:
        """Files the diff touches; known once `preflight` (or `files_touched`) has read it."""
        return list(self._touched or [])

    def writes_anywhere(self, ctx: StepContext) -> bool:
        return False

    def files_touched(self, plan_dir: Path) -> list[FilePatch]:
        try:
            text = (plan_dir / self.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PreflightError(f"patch: cannot read {self.file!r} beside the plan: {exc}") from None
        files = parse_diff(text, self.strip)
        known = {f.path for f in files}
        for path in paths_git_applies(plan_dir / self.file, self.strip):
            if path not in known:
                known.add(path)
                files.append(FilePatch(path))
        if not files:
            raise PreflightError(f"patch: {self.file} is not a unified diff (no ---/+++ file headers)")
        self._touched = sorted({f.path for f in files})
        return files

    def preflight(self, ctx: StepContext) -> None:
        for patch in self.files_touched(ctx.plan_dir):
            inside_target(ctx.root, patch.path, what=f"patch {self.file}: path")

    def _git_apply(
        self, ctx: StepContext, *extra: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        # The diff's paths are relative to the target. git apply reads them relative to the
        # repository's top and silently skips those outside the folder it runs in, so a
        # target inside a repository (`--target repo/backend`) puts its folder in front.
        prefix = folder_in_repository(ctx.root)
        directory = [f"--directory={prefix.rstrip('/')}"] if prefix else []
        argv = ["git", "apply", f"-p{self.strip}", "--whitespace=nowarn", *directory, *extra,
                str((ctx.plan_dir / self.file).resolve())]
        return subprocess.run(
            argv, cwd=ctx.root, capture_output=True, text=True, env=env, check=False
        )

    def _hunk_failure(self, ctx: StepContext, files: list[FilePatch], output: str) -> str:
        match = _FAILED.search(output)
        if match is None:
            last = output.strip().splitlines()
            return last[-1] if last else "git apply failed"
        path, line = match.group(1).removeprefix(folder_in_repository(ctx.root)), int(match.group(2))
        for patch in files:
            if patch.path == path:
                for number, (start, header) in enumerate(patch.hunks, 1):
                    if start == line:
                        return f"hunk #{number} ({header}) of {path} does not apply"
        return f"a hunk of {path} at line {line} does not apply"

    def apply(self, ctx: StepContext) -> StepOutcome:
        files = self.files_touched(ctx.plan_dir)
        for patch in files:
            ctx.will_change(patch.path, what=f"patch {self.file}: path")
        check = self._git_apply(ctx, "--check")
        if check.returncode == 0:
            done = self._git_apply(ctx)
            if done.returncode != 0:
                raise StepFailed(f"patch {self.file}: {self._hunk_failure(ctx, files, done.stderr)}")
            return StepOutcome(summary=f"applied {self.file} to {len(files)} file(s)")
        failure = self._hunk_failure(ctx, files, check.stderr)
        merged = self._three_way(ctx, files)
        if merged is not None:
            raise StepFailed(
                f"patch {self.file}: {failure}; 3-way merge failed: {merged}",
                "regenerate the diff against the tree the plan's earlier steps produce",
            )
        return StepOutcome(
            summary=f"applied {self.file} to {len(files)} file(s) with a 3-way merge",
            notes=[f"{self.file}: {failure}, merged with --3way instead"],
        )

    def _three_way(self, ctx: StepContext, files: list[FilePatch]) -> str | None:
        """Try `git apply --3way`; None on success, else why, with the files restored."""
        saved: dict[str, bytes | None] = {}
        for patch in files:
            path = ctx.root / patch.path
            saved[patch.path] = path.read_bytes() if path.is_file() else None
        index = subprocess.run(
            ["git", "rev-parse", "--git-path", "index"],
            cwd=ctx.root, capture_output=True, text=True, check=False,
        ).stdout.strip()
        with tempfile.TemporaryDirectory(prefix="migrator-patch-") as scratch:
            scratch_index = Path(scratch) / "index"
            real_index = (ctx.root / index) if index else None
            if real_index is not None and real_index.is_file():
                shutil.copy2(real_index, scratch_index)
            env = {**os.environ, "GIT_INDEX_FILE": str(scratch_index)}
            # --3way compares against the index: stage what earlier steps left in the tree
            present = [rel for rel, content in saved.items() if content is not None]
            if present:
                subprocess.run(["git", "add", "-f", "--", *present], cwd=ctx.root, env=env,
                               capture_output=True, check=False)
            result = self._git_apply(ctx, "--3way", env=env)
        if result.returncode == 0:
            return None
        for rel, content in saved.items():
            path = ctx.root / rel
            if content is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(content)
        output = result.stderr + result.stdout
        if (conflict := _CONFLICT.search(output)) is not None:
            return f"conflicts in {conflict.group(1).removeprefix(folder_in_repository(ctx.root))}"
        if "lacks the necessary blob" in output:
            return "the diff's base blobs are not in this repository"
        lines = [l for l in output.strip().splitlines() if l.startswith("error:")]
        return lines[-1].removeprefix("error: ") if lines else "git apply --3way failed"
