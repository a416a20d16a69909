#!/usr/bin/env python
"""Refresh the Vietnamese catalogue from the source and fill in translations.

    .venv/bin/python scripts/translate.py [PAIRS.po ...]

Runs makemessages (under a lock, so several people can run it at once), takes msgstr values
from the given .po files (plain msgid/msgstr pairs; plural entries too), clears their fuzzy
flags, compiles, and prints what is still untranslated or fuzzy.
"""

import fcntl
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "staticfiles", "node_modules", "var", "tests", "scripts"]


def main(pair_files: list[str]) -> int:
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    with open(ROOT / "locale" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cmd = [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "--no-location", "-v", "0"]
        for pattern in IGNORE:
            cmd += ["-i", pattern]
        subprocess.run(cmd, cwd=ROOT, check=True)
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
