"""What is on disk in a target folder, exactly: every file, symlink and folder with its
permission bits, and each file's raw bytes as a git blob id (no clean filter, no line-ending
conversion), so a checkpoint gives back the bytes that were on disk, not git's view of them.

Each entry belongs to one area: `git` (tracked, or untracked and not ignored: what git's
snapshot of the tree holds), `ignored`, or `nested` (inside a submodule or another git
repository below the target, never written by a step). Files in the `git` area are hashed
into the repository's object store; ignored and nested files only when their bytes matter.
A scan reuses the blob of a file whose size, times and inode are unchanged since a scan
it is given, unless that scan saw it being written (see `RACY_NS`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

GIT, IGNORED, NESTED = "git", "ignored", "nested"
FILE, LINK, DIR = "file", "link", "dir"

RACY_NS = 1_000_000_000
"""A file modified this close to a scan may change again without its times changing (file
system clocks tick coarsely): its blob is never reused from that scan."""

Git = Callable[..., str]
"""git(*args, input=bytes | None) -> stdout, run in the scanned folder."""


@dataclass(frozen=True)
class Entry:
    kind: str
    """`file`, `link` or `dir`."""
    mode: int
    """Permission bits (st_mode & 0o7777); 0 for links."""
    area: str
    size: int = 0
    mtime_ns: int = 0
    ctime_ns: int = 0
    ino: int = 0
    blob: str | None = None
    """Git blob id of the bytes (file) or the link's target (link); None when not hashed."""

    @property
    def signature(self) -> tuple[int, int, int, int]:
        return (self.size, self.mtime_ns, self.ctime_ns, self.ino)

    @property
    def git_mode(self) -> str:
        if self.kind == LINK:
            return "120000"
        return "100755" if self.mode & 0o100 else "100644"


def same(a: Entry | None, b: Entry | None) -> bool:
    """Whether two entries hold the same thing (kind, mode, bytes); folders by kind and mode."""
    if a is None or b is None:
        return a is b
    if a.kind != b.kind or a.mode != b.mode:
        return False
    if a.kind == DIR:
        return True
    if a.blob is not None and b.blob is not None:
        return a.blob == b.blob
    return a.signature == b.signature


@dataclass
class Manifest:
    entries: dict[str, Entry]
    """Target-relative posix path -> entry; "" is the target folder itself."""
    taken_ns: int = field(default_factory=time.time_ns)

    def get(self, rel: str) -> Entry | None:
        return self.entries.get(rel)

    def trusted(self, entry: Entry) -> bool:
        """Whether a later scan may reuse this entry's blob on an equal signature."""
        return entry.mtime_ns < self.taken_ns - RACY_NS

    def under(self, rel: str) -> Iterator[tuple[str, Entry]]:
        """`rel` itself and everything below it."""
        prefix = rel.rstrip("/") + "/"
        for path, entry in self.entries.items():
            if path == rel or path.startswith(prefix) or rel in ("", "."):
                yield path, entry

    def dumps(self) -> str:
        rows = {p: [e.kind, e.mode, e.area, e.size, e.mtime_ns, e.ctime_ns, e.ino, e.blob]
                for p, e in self.entries.items()}
        return json.dumps({"taken_ns": self.taken_ns, "entries": rows})

    @classmethod
    def loads(cls, text: str) -> Manifest:
        data = json.loads(text)
        entries = {p: Entry(kind=r[0], mode=r[1], area=r[2], size=r[3], mtime_ns=r[4],
                            ctime_ns=r[5], ino=r[6], blob=r[7])
                   for p, r in data["entries"].items() if _row(p, r)}
        return cls(entries=entries, taken_ns=int(data["taken_ns"]))


def _row(path: object, row: object) -> bool:
    """A manifest row as `dumps` writes it (ValueError otherwise)."""
    if not (isinstance(path, str) and isinstance(row, list) and len(row) == 8
            and row[0] in (FILE, LINK, DIR) and row[2] in (GIT, IGNORED, NESTED)
            and all(type(v) is int for v in (row[1], *row[3:7]))
            and (row[7] is None or isinstance(row[7], str))):
        raise ValueError(f"not a manifest row: {path!r}")
    return True


# -- scanning -----------------------------------------------------------------------------
def _z(text: str) -> list[str]:
    return [p for p in text.split("\0") if p]


def classify(git: Git) -> tuple[set[str], set[str]]:
    """(paths git would snapshot, folders git ignores as a whole) below the current folder."""
    shown = set(_z(git("ls-files", "-z", "--cached", "--others", "--exclude-standard")))
    ignored = _z(git("ls-files", "-z", "--others", "--ignored", "--exclude-standard",
                     "--directory"))
    return shown, {p.rstrip("/") for p in ignored if p.endswith("/")}


def scan(root: Path, git: Git, known: Sequence[Manifest] = (), *,
         hash_git: bool = True, write_objects: bool = True) -> Manifest:
    """Everything below `root` except its `.git`. Files in the `git` area are hashed (into
    the object store with `write_objects`) unless a `known` scan has them unchanged."""
    taken = time.time_ns()
    shown, ignored_dirs = classify(git)
    entries: dict[str, Entry] = {"": _entry(os.lstat(root), DIR, GIT)}
    _walk(root, "", GIT, shown, ignored_dirs, entries)
    manifest = Manifest(entries=entries, taken_ns=taken)
    reuse = {p: e for p, e in entries.items() if e.kind != DIR}
    need: list[str] = []
    for rel, entry in reuse.items():
        blob = _known_blob(rel, entry, known)
        if blob is not None:
            entries[rel] = replace(entry, blob=blob)
        elif entry.kind == LINK or (entry.area == GIT and hash_git) or \
                not manifest.trusted(entry) or _changed_since(rel, entry, known):
            need.append(rel)
    git_files = [p for p in need if entries[p].area == GIT and entries[p].kind == FILE]
    blobs = dict(zip(git_files, hash_objects(root, git, git_files, write_objects)))
    for rel in need:
        entry = entries[rel]
        if rel in blobs:
            blob = blobs[rel]
        elif entry.kind == LINK:
            blob = blob_id(os.fsencode(os.readlink(root / rel)))
            if entry.area == GIT and write_objects:
                git("hash-object", "-w", "--stdin", input=os.fsencode(os.readlink(root / rel)))
        else:
            blob = file_blob_id(root / rel)
        entries[rel] = replace(entry, blob=blob)
    return manifest


def _walk(root: Path, rel: str, area: str, shown: set[str], ignored_dirs: set[str],
          entries: dict[str, Entry]) -> None:
    folder = root / rel if rel else root
    with os.scandir(folder) as listing:
        items = sorted(listing, key=lambda item: item.name)
    nested = area == NESTED or (rel != "" and any(i.name == ".git" for i in items))
    for item in items:
        if item.name == ".git" and (rel == "" or nested):
            continue
        path = f"{rel}/{item.name}" if rel else item.name
        info = item.stat(follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode):
            sub_area = NESTED if nested else (IGNORED if area == IGNORED or path in ignored_dirs
                                              else GIT)
            entries[path] = _entry(info, DIR, sub_area)
            _walk(root, path, sub_area, shown, ignored_dirs, entries)
        elif stat.S_ISLNK(info.st_mode) or stat.S_ISREG(info.st_mode):
            kind = LINK if stat.S_ISLNK(info.st_mode) else FILE
            file_area = NESTED if nested else (GIT if area == GIT and path in shown else IGNORED)
            entries[path] = _entry(info, kind, file_area)


def entry_at(path: Path, area: str) -> Entry:
    """The entry of one path as it is now (its blob is not computed)."""
    info = os.lstat(path)
    kind = DIR if stat.S_ISDIR(info.st_mode) else LINK if stat.S_ISLNK(info.st_mode) else FILE
    return _entry(info, kind, area)


def _entry(info: os.stat_result, kind: str, area: str) -> Entry:
    return Entry(kind=kind, mode=0 if kind == LINK else stat.S_IMODE(info.st_mode), area=area,
                 size=info.st_size, mtime_ns=info.st_mtime_ns, ctime_ns=info.st_ctime_ns,
                 ino=info.st_ino)


def _known_blob(rel: str, entry: Entry, known: Sequence[Manifest]) -> str | None:
    for manifest in known:
        old = manifest.get(rel)
        if old is not None and old.blob is not None and old.kind == entry.kind \
                and old.signature == entry.signature and manifest.trusted(old):
            return old.blob
    return None


def _changed_since(rel: str, entry: Entry, known: Sequence[Manifest]) -> bool:
    """A file some known scan saw with other times or size: hash it to tell what changed."""
    return any((old := m.get(rel)) is not None and old.signature != entry.signature
               for m in known)


# -- hashing ------------------------------------------------------------------------------
def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def file_blob_id(path: Path) -> str:
    """The git blob id of a file's raw bytes, read in chunks."""
    digest = hashlib.sha1(b"blob %d\0" % path.lstat().st_size)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hash_objects(root: Path, git: Git, paths: list[str], write: bool = True) -> list[str]:
    """Blob ids of the raw bytes of `paths` (no filters), written to the object store."""
    if not paths:
        return []
    if not write:
        return [file_blob_id(root / p) for p in paths]
    # absolute paths: git reads --stdin-paths relative to the repository's top folder
    plain = [p for p in paths if "\n" not in p and not p.startswith('"')]
    found: dict[str, str] = {}
    if plain:  # an empty list would be one empty path, which git cannot open
        listed = "\n".join(str(root / p) for p in plain)
        out = git("hash-object", "-w", "--no-filters", "--stdin-paths",
                  input=listed.encode("utf-8", "surrogateescape") + b"\n").split()
        found = dict(zip(plain, out))
    for odd in (p for p in paths if p not in found):
        found[odd] = git("hash-object", "-w", "--no-filters", "--", str(root / odd)).strip()
    return [found[p] for p in paths]


# -- trees and changes --------------------------------------------------------------------
def write_tree(git: Git, manifest: Manifest, index: Path, missing_ok: bool = False) -> str:
    """The git tree of the manifest's `git` area (files and links, with their raw bytes);
    with `missing_ok`, also when some of its blobs are no longer in the object store."""
    rows = [f"{e.git_mode} {e.blob}\t{p}" for p, e in sorted(manifest.entries.items())
            if e.area == GIT and e.kind != DIR and e.blob]
    index.unlink(missing_ok=True)
    try:
        env = {"GIT_INDEX_FILE": str(index)}
        git("read-tree", "--empty", env=env)
        if rows:
            git("update-index", "-z", "--add", "--index-info", env=env,
                input="\0".join(rows).encode("utf-8", "surrogateescape") + b"\0")
        return git("write-tree", *(["--missing-ok"] if missing_ok else []), env=env).strip()
    finally:
        index.unlink(missing_ok=True)


@dataclass
class Changes:
    """Files a step (or a run) created, modified and deleted. Ignored files are listed
    apart; a whole ignored folder created or deleted is one `folder/` entry."""

    created: list[str] = field(default_factory=list)
    modified: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    ignored_created: list[str] = field(default_factory=list)
    ignored_modified: list[str] = field(default_factory=list)
    ignored_deleted: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(self.as_lists())

    def as_lists(self) -> tuple[list[str], ...]:
        return (self.created, self.modified, self.deleted, self.ignored_created,
                self.ignored_modified, self.ignored_deleted)

    @property
    def ignored(self) -> dict[str, list[str]]:
        return {"created": self.ignored_created, "modified": self.ignored_modified,
                "deleted": self.ignored_deleted}


def changes(old: Manifest, new: Manifest) -> Changes:
    """What differs between two scans of one folder (folders themselves are not listed)."""
    result = Changes()
    for rel in sorted(set(old.entries) | set(new.entries)):
        a, b = _file(old.get(rel)), _file(new.get(rel))
        if same(a, b):
            continue
        if a is None and b is not None:
            (result.created if b.area == GIT else result.ignored_created).append(rel)
        elif b is None and a is not None:
            (result.deleted if a.area == GIT else result.ignored_deleted).append(rel)
        elif b is not None:
            (result.modified if b.area == GIT else result.ignored_modified).append(rel)
    result.ignored_created = _collapse(result.ignored_created, old, new)
    result.ignored_deleted = _collapse(result.ignored_deleted, new, old)
    return result


def _file(entry: Entry | None) -> Entry | None:
    """Files and links of the git and ignored areas (folders and nested repositories are
    not listed as changes)."""
    return entry if entry is not None and entry.kind != DIR and entry.area != NESTED else None


def _collapse(paths: list[str], without: Manifest, with_: Manifest) -> list[str]:
    """Files below an ignored folder that exists only in `with_` become `folder/`."""
    result: list[str] = []
    for rel in paths:
        top = _topmost_new_folder(rel, without, with_)
        entry = f"{top}/" if top else rel
        if entry not in result:
            result.append(entry)
    return result


def _topmost_new_folder(rel: str, without: Manifest, with_: Manifest) -> str | None:
    parts = rel.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        entry = with_.get(folder)
        if entry is not None and entry.kind == DIR and entry.area != GIT \
                and without.get(folder) is None:
            return folder
    return None


# -- copying bytes ------------------------------------------------------------------------
def copy_entry(source: Path, dest: Path, entry: Entry) -> None:
    """Make `dest` what `source` is (a file's bytes and mode, a link, a folder's mode)."""
    if entry.kind == DIR:
        dest.mkdir(parents=True, exist_ok=True)
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    if entry.kind == LINK:
        os.symlink(os.readlink(source), dest)
    else:
        with open(source, "rb") as src, open(dest, "xb") as dst:
            shutil.copyfileobj(src, dst)
        os.chmod(dest, entry.mode)


def folder_modes(root: Path, entries: Iterable[tuple[str, Entry]]) -> None:
    """Set folders' modes, deepest first (a folder made read-only last)."""
    for rel, entry in sorted(entries, key=lambda item: -item[0].count("/") - bool(item[0])):
        if entry.kind == DIR:
            path = root / rel if rel else root
            if path.is_dir() and not path.is_symlink() and \
                    stat.S_IMODE(path.lstat().st_mode) != entry.mode:
                os.chmod(path, entry.mode)


def temporary_index(folder: Path, name: str) -> Path:
    """A fresh index file name in `folder` (for trees built with GIT_INDEX_FILE)."""
    folder.mkdir(parents=True, exist_ok=True)
    handle, path = tempfile.mkstemp(prefix=f"{name}-", suffix=".index", dir=folder)
    os.close(handle)
    os.unlink(path)
    return Path(path)

