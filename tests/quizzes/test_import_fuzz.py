"""Whatever arrives, an import answers with its own error or a result, and a failed import
writes nothing: random text into the GIFT and Aiken parsers, random bytes into .docx/.xlsx."""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.bank_import import questions_import
from quizzes.importers import ImportFileError, parse
from quizzes.importers.gift import escape, parse_gift
from tests.quizzes.import_helpers import db_state, make_docx, make_xlsx

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Text made mostly of the characters the formats give meaning to.
SYNTAX = st.text(alphabet=st.sampled_from(list("{}=~#%:\\/$[]->.)\n\n  TFAB0123ANSWER:Câuđúng")) | st.characters(),
                 max_size=400)
_VALID_XLSX = make_xlsx([{"Câu hỏi": "Câu?", "A": "a", "B": "b", "Đáp án đúng": "A"}])
_VALID_DOCX = make_docx(["Câu 1: Câu?", "A. a", "B. b *"])


def mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for position, value in edits:
        out[position % len(out)] = value
    return bytes(out)


def parses_or_explains(data: bytes, fmt: str) -> None:
    try:
        parse(data, fmt)
    except ImportFileError as exc:
        assert str(exc)


@FUZZ
@given(text=SYNTAX)
def test_gift_text_never_crashes_the_parser(text):
    parses_or_explains(text.encode("utf-8", "replace"), "gift")


@FUZZ
@given(text=SYNTAX)
def test_aiken_text_never_crashes_the_parser(text):
    parses_or_explains(text.encode("utf-8", "replace"), "aiken")


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash_any_parser(data):
    for fmt in ("xlsx", "docx", "gift", "aiken", "json"):
        parses_or_explains(data, fmt)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=20))
def test_damaged_office_files_never_crash_the_parsers(edits):
    parses_or_explains(mutate(_VALID_XLSX, edits), "xlsx")
    parses_or_explains(mutate(_VALID_DOCX, edits), "docx")


@FUZZ
@given(names=st.lists(st.text(alphabet="abcdlowrx/._[]", max_size=30), max_size=4), payload=st.binary(max_size=300))
def test_zip_archives_of_random_parts_never_crash_the_parsers(names, payload):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in dict.fromkeys([*(n or "x" for n in names), "[Content_Types].xml", "word/document.xml",
                                   "xl/workbook.xml"]):
            archive.writestr(name, payload)
    parses_or_explains(out.getvalue(), "xlsx")
    parses_or_explains(out.getvalue(), "docx")


@pytest.mark.django_db
@FUZZ
@given(text=SYNTAX, fmt=st.sampled_from(["gift", "aiken"]))
def test_a_failed_import_writes_nothing(text, fmt):
    before = db_state()

    report = questions_import(source=text.encode("utf-8", "replace"), format=fmt)

    if report.errors:
        assert report.created == 0 and db_state() == before
    else:
        assert db_state()[1] == before[1] + report.created


@pytest.mark.django_db
@FUZZ
@given(data=st.binary(max_size=3000), fmt=st.sampled_from(["xlsx", "docx"]))
def test_random_bytes_import_nothing(data, fmt):
    before = db_state()

    report = questions_import(source=data, format=fmt)

    assert not report.ok and db_state() == before


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(exclude_characters="\r\x00\ufdd0\ufdd1\ufdd2\ufdd3\ufdd4\ufdd5\ufdd6\ufdd7"),
               max_size=200).filter(lambda t: t and t.strip() == t))
def test_gift_escaping_round_trips_any_text(text):
    from quizzes.importers import clean_text

    result = parse_gift(f"$CATEGORY: X\n\n{escape(text)} {{=a ~b}}".encode("utf-8", "replace"))
    expected = clean_text(text.encode("utf-8", "replace").decode("utf-8"))
    if expected and not result.errors:
        assert clean_text(result.questions[0].text) == expected
