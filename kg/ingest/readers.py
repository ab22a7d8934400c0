"""Files in, :class:`~kg.records.Article` records (and :class:`~kg.records.Skipped` inputs) out.

``iter_articles`` walks the given files and folders (every ``*.txt``, sorted, so the order of
the command line never changes the result) and yields an :class:`Article` for each usable
file and a :class:`Skipped` for each file that cannot be used, with the reason. One bad file
never stops the others. A ``*.jsonl`` or ``*.parquet`` file holds many articles, one per line or
row (:func:`read_jsonl`, :func:`read_parquet`); there a bad line or row is skipped on its own.

Cleaning (:func:`clean`) happens before anything else, so every offset in the graph counts code
points into the cleaned text the graph stores: mis-decoded text repaired (:func:`repair`), Unicode
NFC, plain quotes, single spaces, then boilerplate lines removed by generic patterns (edit-date
headers, "Source link", photo captions, "The news is supplemented", ad-blocker pleas and site
sign-offs) and a title line repeated right below itself dropped.

The publication date comes from the text (English or Russian month names, e.g. "5 January 2022",
"January 5, 2022", "5 января 2022", "2022-01-05"), else from the optional metadata file
``metadata.csv`` next to the articles (columns ``file,date,title,outlet,url``; see the README),
else stays unknown.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob as globmod
import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.records import Article, Skipped

logger = logging.getLogger(__name__)

#: Name of the optional metadata file looked for in each input folder.
METADATA_FILE = "metadata.csv"

#: Typographic quotes and dashes folded to plain ones so that rules and matchers see one form.
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"',
                         "\u00bb": '"', "\u201e": '"', "\u2032": "'", "\u00a0": " ", "\u200b": ""})
_SPACES = re.compile(r"[ \t\f\v]+")
#: What text decoded with the wrong code page shows: C1 control characters (Windows-1252 punctuation a scraper read
#: as Latin-1, "\x91\x91Yes,\x92\x92 he said", "Mumbai\x92s") or UTF-8 read as Windows-1252 ("cafÃ©", "â€œ").
_MISDECODED = re.compile("[\u0080-\u009f]|[\u00c2\u00c3][\u0080-\u00bf]|\u00e2\u20ac")
_BLANK_LINES = re.compile(r"\n\s*\n+")

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
    # Russian, genitive (as in dates) and nominative
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7, "августа": 8,
    "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6, "июль": 7, "август": 8,
    "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
}
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.I),
]

_TIME = r"(?:,*\s*(?:at\s+)?\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?)?"
#: Whole lines that are boilerplate, not article text (matched case-insensitively, after cleaning).
_BOILERPLATE_LINES = [
    # edit-date headers: "Posted 5 января 2022,, 10:42", "Updated: Jan 5, 2022", or a bare date line
    r"(?:posted|published|modified|updated|edited|last updated|created)\b:?.{0,40}",
    r"[\d\s.,:/-]*(?:\d{1,2}\s+\w+|\w+\s+\d{1,2}),?\s+(?:19|20)\d\d" + _TIME + r"[\s,.]*",
    r"source(?:\s+link)?:?",
    r"(?:latest|last\s+update|updated)\s+(?:at|as\s+of)\s+\d{1,2}[:.]\d\d.{0,30}",
    r"(?:the\s+)?news\s+(?:is|was|will\s+be)\s+(?:being\s+)?(?:supplemented|updated)\.?",
    r"(?:photo|image|video)s?(?:\s+(?:report|gallery))?\b.{0,80}(?:sources?|illustrative|credit|getty|reuters|"
    r"ap|afp|archive|screenshot|social networks?)\b.{0,40}",
    r"(?:photo|image)\s*:.{0,80}",
    r"(?:best\s+)?regards,?.{0,30}",
    r".{0,120}\bad[- ]?blockers?\b.{0,120}",
    r".{0,80}\bfunded\s+by\s+advertising\b.{0,80}",
    r".{0,40}journalis\w+\s+work\s+cannot\s+be\s+free\b.{0,160}",
    r"(?:share|follow us|subscribe)\b.{0,60}",
]
_BOILERPLATE = re.compile(r"^(?:" + "|".join(_BOILERPLATE_LINES) + r")$", re.I)
#: Caption phrases glued to the end of a text line ("... in Belarus. Photo report Photo gallery").
_TRAILING_CAPTION = re.compile(r"(?:\s+(?:photo|video)\s+(?:report|gallery))+\s*$", re.I)


def repair(text: str) -> str:
    """Text that went through the wrong code page somewhere on its way, repaired with ftfy (its decoding fixes
    only: quotes and HTML entities are left to :func:`normalise` and the text); other text is returned unchanged,
    without ftfy's cost.

    >>> repair("\x91\x91Yes,\x92\x92 said the caf\u00c3\u00a9 owner")
    '‘‘Yes,’’ said the café owner'
    """
    if not _MISDECODED.search(text):
        return text
    import ftfy

    return ftfy.fix_text(text, unescape_html=False, uncurl_quotes=False, fix_line_breaks=False,
                         fix_character_width=False, fix_latin_ligatures=False, normalization=None)


def normalise(text: str) -> str:
    """Mis-decoded text repaired (:func:`repair`; Windows-1252 punctuation left as control characters restored),
    Unicode NFC, plain quotes, single spaces, at most one blank line between paragraphs.

    >>> normalise("“Well done!”  he said.\\r\\n\\r\\n\\r\\nNext")
    '"Well done!" he said.\\n\\nNext'
    >>> normalise("‘‘Not yet,’’ he said.")
    '"Not yet," he said.'
    """
    text = unicodedata.normalize("NFC", repair(text)).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_QUOTES).replace("''", '"')  # a double quote typed as two single ones
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def is_boilerplate(line: str) -> bool:
    """Whether a whole line is site furniture rather than article text.

    >>> is_boilerplate("Source link"), is_boilerplate("Modified 24 December 2022, 22:37")
    (True, True)
    >>> is_boilerplate("Please disable your ad blocker to continue reading.")
    True
    >>> is_boilerplate("Police used tear gas in the city of Hrodna.")
    False
    """
    return bool(_BOILERPLATE.match(line.strip()))


def strip_boilerplate(text: str) -> str:
    """Drop boilerplate lines, trailing caption phrases, and a line repeating the one above it.

    >>> strip_boilerplate("Title\\n\\nTitle\\nBody text.\\n\\nSource link")
    'Title\\n\\nBody text.'
    """
    kept: list[str] = []
    previous = None
    for line in text.split("\n"):
        stripped = _TRAILING_CAPTION.sub("", line).strip()
        if stripped and (is_boilerplate(stripped) or stripped == previous):
            continue
        kept.append(stripped)
        if stripped:
            previous = stripped
    return _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip()


def clean(raw: str) -> str:
    """The text the graph stores: normalised, boilerplate removed."""
    return strip_boilerplate(normalise(raw))


def find_date(text: str) -> str | None:
    """The first full calendar date (with a year) in ``text``, as ``YYYY-MM-DD``.

    >>> find_date("Posted 5 января 2022,, 10:42")
    '2022-01-05'
    >>> find_date("Kyiv, March 3, 2014 - Troops ...")
    '2014-03-03'
    >>> find_date("on Wednesday, January 5") is None
    True
    """
    best: tuple[int, str] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["mnum"]) if parts.get("mnum") else _MONTHS[parts["month"].lower()]
            try:
                date = dt.date(int(parts["year"]), month, int(parts["day"]))
            except ValueError:
                continue
            if best is None or match.start() < best[0]:
                best = (match.start(), date.isoformat())
            break
    return best[1] if best else None


def find_title(text: str) -> str | None:
    """The first line when it reads as a headline (short, a line of its own, no closing full stop).

    >>> find_title("Troops enter the capital\\n\\nTroops entered ...")
    'Troops enter the capital'
    >>> find_title("Police said on Monday that five people were arrested in the square.") is None
    True
    """
    first = text.split("\n", 1)[0].strip()
    if not first or "\n" not in text or len(first) > 150 or first.endswith((".", ",", ";")):
        return None
    return first


def read_metadata(folder: Path) -> dict[str, dict[str, str]]:
    """The optional ``metadata.csv`` of a folder: file name -> non-empty columns.

    Raises:
        InputError: the file exists but has no ``file`` column.
    """
    path = folder / METADATA_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise InputError(f"{path} has no 'file' column: its first line must name the columns "
                             "file,date,title,outlet,url (see the README)")
        return {row["file"].strip(): {k: v.strip() for k, v in row.items() if k and k != "file" and v and v.strip()}
                for row in reader if row.get("file")}


def content_hash(text: str) -> str:
    """The article identity: the first 16 hex digits of SHA-256 of the cleaned text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


#: What a folder yields, by suffix: articles (``.txt``) and files of articles (``.jsonl``, ``.parquet``).
ARTICLE_SUFFIXES = (".txt", ".jsonl", ".parquet")


def find_files(inputs: Iterable[str | Path]) -> list[Path]:
    """Every article file under ``inputs``, sorted and unique: files as given, and in folders (recursively) every
    ``*.txt``, ``*.jsonl`` and ``*.parquet`` file. A folder's ``metadata.csv`` describes its articles and is never
    one, even when a pattern or the command line names it.

    An input that does not exist but holds ``*``, ``?`` or ``[`` is a glob pattern (``**`` recurses).

    Raises:
        InputError: an input does not exist (or a pattern matches no file).
    """
    found: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.suffix in ARTICLE_SUFFIXES and p.is_file())
        elif path.is_file():
            found.add(path)
        elif any(char in str(item) for char in "*?[") and (matches := globmod.glob(str(item), recursive=True)):
            found.update(Path(match) for match in matches if Path(match).is_file())
        else:
            raise InputError(f"input {str(path)!r} does not exist: give article files (.txt, .jsonl, .parquet) "
                             "or folders of them")
    return sorted((p for p in found if p.name != METADATA_FILE), key=lambda p: (p.name, str(p)))


def read_article(path: Path, meta: dict[str, str] | None = None) -> Article | Skipped:
    """Read and clean one file; a file that cannot be an article comes back as :class:`Skipped`.

    Args:
        path: the file.
        meta: its row of the metadata file, if any (``date``, ``title``, ``outlet``, ``url``).
    """
    meta = dict(meta or {})
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Skipped(str(path), f"cannot be read: {exc.strerror or exc}")
    if b"\x00" in raw[:8192]:
        return Skipped(str(path), "binary file (contains NUL bytes), not UTF-8 text")
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(str(path), f"not UTF-8 text (byte {exc.start}: {exc.reason}); re-save it as UTF-8")
    normalised = normalise(decoded)
    text = strip_boilerplate(normalised)
    if not text:
        return Skipped(str(path), "empty file (no text after cleaning)")
    # the date is looked for in the article's head, boilerplate headers included ("Published 5 Jan 2022")
    date = find_date(normalised[:600])
    if date:
        meta["date_source"] = "text"
    elif meta.get("date"):
        date = meta["date"]
        meta["date_source"] = "metadata"
    title = find_title(text) or meta.get("title")
    return Article(id=content_hash(text), source=path.name, text=text, title=title, date=date, meta=meta,
                   path=str(path))


def read_jsonl(path: Path) -> Iterator[Article | Skipped]:
    """Articles from a JSON Lines file: one object per line with ``text`` and optional ``id``, ``date``, ``source``.

    Each line is decoded and parsed on its own, so a bad line (not UTF-8, not JSON, no text) is skipped with its
    place (``<path>:<line>``) and the whole reason, and the other lines are read on. Each line is cleaned like a
    ``.txt`` file (the date is looked for in the text's head first, then taken from ``date``). The article is
    named ``<file>#<id>`` (the line number when there is no ``id``); ``id`` and ``source`` are kept in its
    metadata.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Skipped(str(path), f"cannot be read: {exc.strerror or exc}")
        return
    with handle:
        for lineno, raw in enumerate(handle, 1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # the byte order mark some editors write
            if not raw.strip():
                continue
            yield _jsonl_article(path, lineno, raw)


def _jsonl_article(path: Path, lineno: int, raw: bytes) -> Article | Skipped:
    where = f"{path}:{lineno}"
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Skipped(where, f"not UTF-8 text (byte {exc.start + 1} of the line, {raw[exc.start:exc.end]!r}: "
                              f"{exc.reason}); re-save the file as UTF-8")
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skipped(where, f"not valid JSON ({exc.msg}: column {exc.colno}); each line must be one JSON object")
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        return Skipped(where, 'not an article: each line must be a JSON object with a "text" string')
    return _row_article(path, lineno, row)


def _row_article(path: Path, number: int, row: dict) -> Article | Skipped:
    """One article from a row of a JSON Lines or Parquet file (``row["text"]`` is a string).

    The article is named ``<file>#<id>``, or ``<file>#<number>`` (line or row number, from 1)
    when the row has no ``id``; a date found in the text's head wins over the ``date`` field.
    """
    where = f"{path}:{number}"
    name = str(row["id"]) if row.get("id") not in (None, "") else str(number)
    meta = {key: str(row[key]) for key in ("id", "source") if row.get(key) not in (None, "")}
    normalised = normalise(row["text"])
    text = strip_boilerplate(normalised)
    if not text:
        return Skipped(where, "empty text (nothing left after cleaning)")
    date = find_date(normalised[:600])
    if date:
        meta["date_source"] = "text"
    elif row.get("date") not in (None, ""):
        try:  # a string, or a Parquet date/timestamp (whose str() starts with YYYY-MM-DD too)
            date = dt.date.fromisoformat(str(row["date"])[:10]).isoformat()
            meta["date_source"] = "metadata"
        except ValueError:
            logger.warning("%s: date %r is not YYYY-MM-DD; the article's date stays unknown", where, row["date"])
    title = find_title(text) or (str(row["title"]) if row.get("title") else None)
    return Article(id=content_hash(text), source=f"{path.name}#{name}", text=text, title=title, date=date, meta=meta,
                   path=where)


#: Columns of a Parquet file of articles that are read (``text`` is required, the others optional).
PARQUET_COLUMNS = ("id", "text", "date", "source", "title")
#: Rows read from a Parquet file at a time (memory stays bounded on large files).
PARQUET_BATCH_ROWS = 1024


def read_parquet(path: Path) -> Iterator[Article | Skipped]:
    """Articles from a Parquet file: one row per article, column ``text`` and optional ``id``, ``date``, ``source``.

    Rows are cleaned and named like JSON Lines lines (:func:`_row_article`), numbered from 1. A row
    whose ``text`` is missing, empty or not UTF-8 is skipped with the reason; the other rows are read
    on. A file that is not Parquet, or has no ``text`` column, is skipped as a whole.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        yield Skipped(str(path), f"not a readable Parquet file ({exc}); write it with pyarrow or pandas .to_parquet()")
        return
    names = parquet.schema_arrow.names
    if "text" not in names:
        yield Skipped(str(path), f"no 'text' column (columns: {', '.join(names) or 'none'}); a Parquet file of "
                                 "articles needs a string column 'text' and may have 'id', 'date' and 'source'")
        return
    columns = [name for name in PARQUET_COLUMNS if name in names]
    number = 0
    with parquet:
        for group in range(parquet.num_row_groups):
            end = number + parquet.metadata.row_group(group).num_rows
            try:
                for batch in parquet.iter_batches(PARQUET_BATCH_ROWS, row_groups=[group], columns=columns):
                    for row in batch.to_pylist():
                        number += 1
                        yield _parquet_row(path, number, row)
            except (OSError, pa.ArrowException) as exc:
                if number < end:
                    yield Skipped(f"{path}:{number + 1}-{end}",
                                  f"rows {number + 1} to {end} cannot be read ({exc}); write the file again")
            number = end


def _parquet_row(path: Path, number: int, row: dict) -> Article | Skipped:
    where = f"{path}:{number}"
    text = row.get("text")
    if isinstance(text, bytes):  # a binary column: the text must still be UTF-8
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return Skipped(where, f"text is not UTF-8 (byte {exc.start}: {exc.reason}); store the text as UTF-8")
    if text is None:
        return Skipped(where, "no text (null in the 'text' column): give the row a text, or drop it")
    if not isinstance(text, str):
        return Skipped(where, f"the 'text' column holds {type(text).__name__} values, not strings: store the "
                              "article texts as a string column")
    return _row_article(path, number, {**row, "text": text})


#: Files of many articles, by suffix: their reader.
TABLE_READERS = {".jsonl": read_jsonl, ".parquet": read_parquet}


def count_articles(files: Iterable[Path]) -> int:
    """How many articles ``files`` (from :func:`find_files`) hold at most: rows of ``*.jsonl`` and
    ``*.parquet`` files, one per other file. Cheap: lines are counted, Parquet's row count is read
    from the file's footer; an unreadable file counts as one.
    """
    total = 0
    for path in files:
        try:
            if path.suffix == ".jsonl":
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
                continue
            if path.suffix == ".parquet":
                import pyarrow.parquet as pq

                with pq.ParquetFile(path) as parquet:
                    total += parquet.metadata.num_rows
                continue
        except Exception:  # noqa: BLE001 - the reader reports why the file is unusable; here it counts as one
            pass
        total += 1
    return total


def iter_articles(inputs: Iterable[str | Path]) -> Iterator[Article | Skipped]:
    """Articles (and skipped inputs) from files, folders, ``*.jsonl`` and ``*.parquet`` files, in a stable order."""
    metadata: dict[Path, dict[str, dict[str, str]]] = {}
    for path in find_files(inputs):
        if path.suffix in TABLE_READERS:
            yield from TABLE_READERS[path.suffix](path)
            continue
        folder = path.parent
        if folder not in metadata:
            metadata[folder] = read_metadata(folder)
        yield read_article(path, metadata[folder].get(path.name))
