"""Conventions that a reviewer would otherwise check by hand."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = [*ROOT.glob("src/**/*.py"), *ROOT.glob("devtools/**/*.py"), *ROOT.glob("src/**/*.toml")]
TEXT = [
    *CODE,
    *(p for p in ROOT.glob("tests/**/*.py") if p.name != "test_conventions.py"),
    *ROOT.glob("bench/**/*.py"),
    *ROOT.glob("docs/*.md"),
    ROOT / "README.md",
]


def test_every_type_ignore_names_its_code_and_its_reason():
    bare = []
    for path in CODE:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "type: ignore" in line and not re.search(r"# type: ignore\[[a-z-]+(, [a-z-]+)*\]  # \S", line):
                bare.append(f"{path.relative_to(ROOT)}:{n}")
    assert bare == [], "write `# type: ignore[code]  # why the library forces it`"


def test_sources_are_cited_not_notes_outside_the_repository():
    outside = []
    for path in TEXT:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.\./shared|shared/reference|(?<![\w/])[a-z-]+\.md §", line):
                outside.append(f"{path.relative_to(ROOT)}:{n}")
    assert outside == [], (
        "cite the standard, the document number or docs/, never a path outside the repository"
    )
