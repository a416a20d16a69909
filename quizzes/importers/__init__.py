"""Question-bank import: every format parses into the same `ParseResult`, then one validation
(`validation.py`) applies the model's rules and names the line/row/question of each problem in
Vietnamese.

A parser never writes to the database and never raises anything but `ImportFileError` (a
problem with the whole file: unreadable, empty, too large, wrong encoding). Problems with one
question go into `ParseResult.errors` (they block the import) or `ParseResult.skipped` (GIFT
types we do not support; reported, the rest imports).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from quizzes.models import Audience, Difficulty, QuestionStatus, QuestionType

MAX_QUESTIONS = 5000
MAX_CHOICES = 6
MAX_TEXT_LENGTH = 5000  # question text and explanation
MAX_CHOICE_LENGTH = 1000  # Choice.text
MAX_SOURCE_LENGTH = 300  # Question.source
MAX_TOPIC_LENGTH = 200  # Topic.name
LETTERS = "ABCDEF"

# Stored text of a true/false question's two choices (data, not UI: the bank is Vietnamese).
TRUE_TEXT = "Đúng"
FALSE_TEXT = "Sai"

FORMATS = ("xlsx", "docx", "gift", "aiken", "json")


class ImportFileError(Exception):
    """The whole file cannot be read; the message is for the organiser."""


@dataclass
class ParsedChoice:
    text: str
    correct: bool = False


@dataclass
class ParsedQuestion:
    location: str
    text: str = ""
    # Raw values as written in the file; `validate` turns them into model values.
    type: str = ""
    choices: list[ParsedChoice] = field(default_factory=list)
    topic: str = ""
    explanation: str = ""
    difficulty: str = ""
    audience: str = ""
    source: str = ""
    status: str = ""
    # Set when the parser already reported a problem with this question's choices or answer, so
    # validation does not add a second message about the same thing.
    answer_reported: bool = False


@dataclass
class ImportIssue:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


@dataclass
class TopicSpec:
    """A topic described by the file itself (the demo bank's JSON lists them)."""

    slug: str
    name: str
    description: str = ""


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    skipped: list[ImportIssue] = field(default_factory=list)
    topics: list[TopicSpec] = field(default_factory=list)

    def error(self, location: str, message: str) -> None:
        self.errors.append(ImportIssue(location, message))

    def skip(self, location: str, message: str) -> None:
        self.skipped.append(ImportIssue(location, message))


def line_location(number: int) -> str:
    return pgettext("import location", "Line %(number)d") % {"number": number}


def question_location(number: int | str) -> str:
    return pgettext("import location", "Question %(number)s") % {"number": number}


def file_location() -> str:
    return pgettext("import location", "File")


# --- text helpers -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """NFC (Vietnamese typed on some systems arrives decomposed), no control characters, trimmed."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


def unaccent(value: str) -> str:
    # NFKD drops the tone and vowel marks; đ has no decomposition, so it is mapped by hand.
    value = value.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def keyword(value: str) -> str:
    """A label reduced for lenient matching: "Đúng / sai" -> "dung sai"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", unaccent(value).lower()).split())


MAX_UNPACKED_BYTES = 100 * 2**20


def open_zip_check(data: bytes, not_zip_message: str) -> None:
    """An .xlsx/.docx is a zip: refuse a non-zip and a "zip bomb" before a library unpacks it.
    zipfile never inflates an entry past the size its header declares, so the headers are enough."""
    import io
    import zipfile

    if not data:
        raise ImportFileError(_("The file is empty."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, IndexError, KeyError, NotImplementedError):
        raise ImportFileError(not_zip_message) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(_("The file unpacks to more than %(max)d MB; split it into smaller files.")
                              % {"max": MAX_UNPACKED_BYTES // 2**20})


def text_lines(text: str) -> list[str]:
    # Not str.splitlines(): it also splits on \x1c-\x1e, \x85 and U+2028, which are not line ends here.
    return re.split(r"\r\n|\r|\n", text)


def decode_text(data: bytes) -> str:
    """Bytes of a text format (GIFT, Aiken) to str: UTF-8 with or without BOM, UTF-16 with BOM."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    try:
        text = data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_(
            "The file is not UTF-8 text (it may be saved as Windows-1258 or another encoding). "
            "Save it again as UTF-8 and import it again."
        )) from None
    if "\x00" in text:
        raise ImportFileError(_("The file contains binary data, not text. Check that you chose the right file."))
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    return text


# --- labels written in files ------------------------------------------------------------------
# The words organisers write in the Type / Difficulty / Audience / Status columns and lines.
# Matched after `keyword()`, so case, diacritics and punctuation do not matter. The first
# label of each value is the one the exporters write.

TYPE_LABELS: dict[str, tuple[str, ...]] = {
    QuestionType.SINGLE: ("một đáp án", "một lựa chọn", "chọn một", "single", "1 đáp án"),
    QuestionType.MULTIPLE: ("nhiều đáp án", "nhiều lựa chọn", "chọn nhiều", "multiple", "multi"),
    QuestionType.TRUE_FALSE: ("đúng sai", "đúng/sai", "true false", "true_false", "truefalse", "tf"),
}
DIFFICULTY_LABELS: dict[str, tuple[str, ...]] = {
    Difficulty.EASY: ("dễ", "easy"),
    Difficulty.MEDIUM: ("trung bình", "tb", "medium", "vừa"),
    Difficulty.HARD: ("khó", "hard"),
}
AUDIENCE_LABELS: dict[str, tuple[str, ...]] = {
    Audience.STAFF: ("cán bộ", "cán bộ công chức", "cbcc", "công chức", "staff"),
    Audience.PUBLIC: ("người dân", "nhân dân", "public", "residents", "resident"),
    Audience.BOTH: ("tất cả", "cả hai", "both", "all", "everyone"),
}
STATUS_LABELS: dict[str, tuple[str, ...]] = {
    QuestionStatus.DRAFT: ("nháp", "bản nháp", "draft"),
    QuestionStatus.PUBLISHED: ("đã xuất bản", "xuất bản", "đã duyệt", "công bố", "published"),
}
TRUE_WORDS = {keyword(w) for w in (TRUE_TEXT, "t", "true", "đúng")}  # not "Đ": it reads as the letter D
FALSE_WORDS = {keyword(w) for w in (FALSE_TEXT, "s", "f", "false")}


def label_for(labels: dict[str, tuple[str, ...]], value: str) -> str:
    return labels[value][0]


def parse_letters(value: str) -> list[str] | None:
    """ "B", "A,C", "a; c", "A C", "AC" -> ["A", "C"]; None when it is not a list of letters."""
    compact = re.sub(r"[\s,;/+&.]+", "", value.upper().replace("VÀ", " "))
    if not compact or not re.fullmatch(r"[A-Z]+", compact) or len(compact) > len(LETTERS):
        return None
    seen: list[str] = []
    for letter in compact:
        if letter not in seen:
            seen.append(letter)
    return seen


def parse(data: bytes, format: str) -> ParseResult:
    """Parse `data` in one of FORMATS; raises ImportFileError for an unreadable file."""
    if format == "xlsx":
        from quizzes.importers.xlsx import parse_xlsx as parser
    elif format == "docx":
        from quizzes.importers.docx import parse_docx as parser
    elif format == "gift":
        from quizzes.importers.gift import parse_gift as parser
    elif format == "aiken":
        from quizzes.importers.aiken import parse_aiken as parser
    elif format == "json":
        from quizzes.importers.json_bank import parse_json_bank as parser
    else:
        raise ImportFileError(_("Unknown format “%(format)s”: use xlsx, docx, gift or aiken.") % {"format": format})
    return parser(data)


def detect_format(filename: str, data: bytes = b"") -> str | None:
    """The format from the file name; .txt is Aiken unless it has GIFT's answer braces."""
    name = filename.lower()
    for ext, fmt in ((".xlsx", "xlsx"), (".docx", "docx"), (".gift", "gift"), (".json", "json")):
        if name.endswith(ext):
            return fmt
    if name.endswith(".txt"):
        return "gift" if re.search(rb"(?<!\\)\{[^}]*(?<!\\)\}", data) else "aiken"
    return None


def mark_answer(question: ParsedQuestion, raw: str, result: ParseResult, *, location: str = "") -> None:
    """Set the correct flags from an answer written as letters ("B", "A, C") or as Đúng/Sai.

    A true/false answer with no choices written creates the Đúng/Sai pair. Problems are reported
    at `location` (the answer's own line) or else at the question's."""
    where = location or question.location
    raw = clean_text(raw)
    letters = parse_letters(raw)
    word = keyword(raw)
    in_range = letters is not None and all(0 <= LETTERS.find(x) < len(question.choices) for x in letters)
    if not in_range and (word in TRUE_WORDS or word in FALSE_WORDS):
        truth = word in TRUE_WORDS
        if not question.choices:
            question.choices = [ParsedChoice(TRUE_TEXT, truth), ParsedChoice(FALSE_TEXT, not truth)]
            return
        for choice in question.choices:
            choice.correct = keyword(choice.text) in (TRUE_WORDS if truth else FALSE_WORDS)
        return
    if letters is None:
        result.error(where, _("The correct answer “%(value)s” is not a list of letters A–F, e.g. B or A, C.")
                     % {"value": raw[:40]})
        question.answer_reported = True
        return
    if not in_range:
        letter = next(x for x in letters if not 0 <= LETTERS.find(x) < len(question.choices))
        result.error(where, _("The correct answer “%(letter)s” names no choice of this question.")
                     % {"letter": letter})
        question.answer_reported = True
        return
    for index, choice in enumerate(question.choices):
        choice.correct = LETTERS[index] in letters
