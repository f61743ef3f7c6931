"""Every document the code and README cite is in the repository: a citation can be followed from a fresh clone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUTSIDE = re.compile(r"STYLE\.md|PRODUCT\.md|reference/|\.\./shared|(?<![\w/])(clinical|security)\.md")


def cited_from() -> list[Path]:
    files = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    return files + [p for p in (ROOT / "carryover").rglob("*") if p.suffix in {".py", ".html"} and p.is_file()]


def test_no_citation_points_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in cited_from()
        if path.name != "test_docs.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert found == []


def test_every_cited_doc_exists():
    cited = {name for path in cited_from() for name in re.findall(r"docs/([\w-]+\.md)", path.read_text("utf-8"))}
    assert cited >= {"ARCHITECTURE.md", "clinical-sources.md", "security.md", "crisis-lines.md"}
    assert [name for name in sorted(cited) if not (ROOT / "docs" / name).exists()] == []
    assert (ROOT / "LICENSE").read_text().startswith("                    GNU AFFERO GENERAL PUBLIC LICENSE")
