#!/usr/bin/env python
"""Refresh the Vietnamese catalogue from the source and fill in translations.

    .venv/bin/python scripts/translate.py [PAIRS.po ...]

Runs makemessages (under a lock, so several people can run it at once), takes msgstr values
from the given .po files (plain msgid/msgstr pairs; plural entries too), clears their fuzzy
flags, compiles, and prints what is still untranslated or fuzzy.

    .venv/bin/python scripts/translate.py --check

Touches nothing: runs makemessages on a copy of the project in a temporary folder and fails
(exit 1), listing them, if any source string is missing from the catalogue, untranslated or
fuzzy, or if the catalogue holds strings the source no longer has. `make lint` runs it.
"""

import fcntl
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "staticfiles", "node_modules", "var", "tests", "scripts"]
# Never copied for --check: besides IGNORE, dot-folders (.git, .venv) and anything heavy.
NOT_COPIED = {"node_modules", "staticfiles", "var", "media", "__pycache__", "bench-results"}


def _makemessages(root: Path) -> None:
    cmd = [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "--no-location", "-v", "0"]
    for pattern in IGNORE:
        cmd += ["-i", pattern]
    subprocess.run(cmd, cwd=root, check=True)  # noqa: S603 - our own command line, no outside input


def main(pair_files: list[str]) -> int:
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    with open(ROOT / "locale" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _makemessages(ROOT)
        catalogue = polib.pofile(str(CATALOGUE), wrapwidth=0)
        catalogue.metadata.update({
            "Language": "vi",
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=1; plural=0;",
        })
        known = {(e.msgctxt, e.msgid): e for e in catalogue}
        for name in pair_files:
            for pair in polib.pofile(name, wrapwidth=0):
                entry = known.get((pair.msgctxt, pair.msgid))
                if entry is None:
                    continue
                if pair.msgstr_plural:
                    entry.msgstr_plural = {0: pair.msgstr_plural.get(0) or pair.msgstr_plural.get(1, "")}
                elif pair.msgstr:
                    if entry.msgid_plural:
                        entry.msgstr_plural = {0: pair.msgstr}
                    else:
                        entry.msgstr = pair.msgstr
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        catalogue.save()
        subprocess.run([sys.executable, "manage.py", "compilemessages", "--ignore", ".venv", "-v", "0"],
                       cwd=ROOT, check=True)
    missing = [e.msgid for e in catalogue if not e.translated() or "fuzzy" in e.flags]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(catalogue)} messages, {len(missing)} untranslated or fuzzy")
    return 0


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def check() -> int:
    """Compare the committed catalogue with what makemessages makes of the current source."""
    with tempfile.TemporaryDirectory(prefix="translate-check-") as tmp:
        copy = Path(tmp) / "project"

        def skip(folder: str, names: list[str]) -> set[str]:
            return {n for n in names if n in NOT_COPIED or (Path(folder) == ROOT and n.startswith("."))}

        # A shared lock: a translate.py run that is rewriting the catalogue finishes first.
        with open(ROOT / "locale" / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)
            shutil.copytree(ROOT, copy, ignore=skip, symlinks=True)
        committed = polib.pofile(str(copy / CATALOGUE.relative_to(ROOT)), wrapwidth=0)
        _makemessages(copy)
        fresh = polib.pofile(str(copy / CATALOGUE.relative_to(ROOT)), wrapwidth=0)

    known = {_key(e) for e in committed if not e.obsolete}
    wanted = {_key(e) for e in fresh if not e.obsolete}
    problems = [f"missing from the catalogue: {k!r}" for k in sorted(wanted - known)]
    problems += [f"untranslated: {_key(e)!r}" for e in fresh if _key(e) in known and not e.translated()]
    problems += [f"fuzzy: {_key(e)!r}" for e in fresh if _key(e) in known and "fuzzy" in e.flags]
    problems += [f"no longer in the source: {k!r}" for k in sorted(known - wanted)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"locale/vi is not up to date ({len(problems)} problems): run "
              f".venv/bin/python scripts/translate.py YOUR_PAIRS.po with the Vietnamese for these strings.")
        return 1
    print(f"locale/vi is up to date: {len(fresh)} messages, all translated.")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(check())
    sys.exit(main(sys.argv[1:]))
