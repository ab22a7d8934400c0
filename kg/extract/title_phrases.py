"""Title phrases: a parsed title in, its canonical title, what it is a post in or of, and its qualifiers out.

A title is a phrase of ``kg/data/posts.tsv`` ("minister", "prime minister", "secretary of state") read with the
words the parse attaches to it (:func:`read_title`):

* words before it: what the post is in or of when they name it (an organisation, "the Chinese Foreign Ministry
  spokeswoman"; a place, "Nebraska Gov."; a country's adjective, "Israeli", ``kg/data/demonyms.tsv``; a
  possessive, "Brazil's"), qualifiers of the tenure (``kg/data/title_qualifiers.tsv``: former, acting, first ...),
  and the rest part of the title ("industry and trade minister", "deputy chairman", "police commissioner");
* "of X": the organisation or place X ("the mayor of X"), a portfolio (``kg/data/portfolios.txt``: "Secretary of
  State", "Minister of Foreign Affairs": part of the title), another title ("the press secretary of the Russian
  President": the post is the president's press secretary, of Russia), an organisation written as a phrase ("the
  Palestinian election commission") or named before by its kind ("the committee": the last committee named);
* "to X" (an ambassador to a body), "at X", "for X", "on X" (an organisation): what the post is in;
* "-designate", "-elect" after it: qualifiers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from spacy.tokens import Token

from kg import lexicon
from kg.extract.context import Context, phrase_text
from kg.records import ORGANIZATION, PERSON, PLACE, Mention

#: Nouns that make a phrase an organisation ("the Palestinian election commission").
ORGANISATION_NOUNS = frozenset({"commission", "committee", "council", "ministry", "party", "agency", "authority",
                                "government", "administration", "parliament", "assembly", "senate", "court",
                                "bank", "corporation", "company", "union", "league", "movement", "front",
                                "organisation", "organization", "office", "department", "board", "panel",
                                "subcommittee", "cabinet", "army", "police", "force", "forces", "service"})
#: Nouns that point at a place in context ("the country's president", "the city's mayor").
_PLACE_NOUNS = frozenset({"country", "nation", "republic", "state", "city", "region", "province", "town"})
#: Prepositions after a title whose object is the organisation the post is in.
_IN_PREPOSITIONS = frozenset({"at", "for", "on", "with"})
#: Words that end a title's words on the left (they belong to the sentence, not the title).
_LEFT_STOP_DEPS = frozenset({"det", "punct", "cc", "prep", "case", "nummod"})


#: Post types of ``posts.tsv`` that depend on what the post is of.
HEAD = "head"
#: What a bare title of a kind is a post of (the fourth column of ``posts.tsv``).
COUNTRY_SCOPE = "country"
#: Words that make a title the deputy's post of its own ("deputy chairman", "vice-president").
DEPUTY_WORDS = frozenset({"deputy", "vice", "vice-", "assistant"})


@dataclass(frozen=True)
class PostKind:
    """What ``posts.tsv`` says of a canonical title: its post type and what a bare title of it is a post of."""

    post_type: str | None = None
    scope: str | None = None


@cache
def post_kinds() -> Mapping[str, PostKind]:
    """Canonical title -> :class:`PostKind` (the first row of ``posts.tsv`` that gives the title), read once."""
    out: dict[str, PostKind] = {}
    for row in lexicon.rows("posts.tsv"):
        if len(row) >= 4:
            out.setdefault(row[1], PostKind(row[2] or None, row[3] or None))
    return MappingProxyType(out)


def kind_of(title: str) -> PostKind:
    """The :class:`PostKind` of a canonical title; a title ``posts.tsv`` does not give ends in a known title
    ("industry and trade minister": a minister) or has no kind.

    >>> kind_of("foreign minister").post_type, kind_of("trade minister").scope, kind_of("poet").post_type
    ('minister', 'country', None)
    >>> kind_of("deputy chair").post_type, kind_of("agriculture secretary").post_type
    ('deputyHead', 'minister')
    >>> kind_of("press secretary of the president").post_type
    'spokesperson'
    """
    kinds = post_kinds()
    if title in kinds:
        return kinds[title]
    words = title.split()
    if words and words[0] in DEPUTY_WORDS and len(words) > 1:  # "deputy chair", "vice president": their own posts
        return PostKind("deputyHead", kind_of(" ".join(words[1:])).scope)
    if any(" ".join(words[:i]) in lexicon.word_set("portfolios.txt") for i in range(1, len(words))) or (
            "of" in words and " ".join(words[words.index("of") + 1:]) in lexicon.word_set("portfolios.txt")):
        return PostKind("minister", COUNTRY_SCOPE)  # "agriculture secretary", "secretary of energy"
    if "of" in words[1:] and (head := kind_of(" ".join(words[:words.index("of")]))).post_type:
        return head  # "press secretary of the president": a press secretary, not a president
    for start in range(1, len(words)):
        tail = " ".join(words[start:])
        if tail in kinds:
            return kinds[tail]
    return PostKind()


@dataclass
class TitlePhrase:
    """One title as the text writes it.

    Attributes:
        root: the title's head noun ("minister" of "Israeli Foreign Minister").
        start, end: the token range of the whole phrase, its modifiers and complements included.
        title: the canonical title ("foreign minister", "press secretary of the president").
        post_in: the organisation or place the post is in or of, when a mention names it.
        post_in_text: else the words that name it ("Russia" from "Russian"; "Palestinian election commission").
        post_in_kind: what ``post_in_text`` names: PLACE or ORGANIZATION.
        also_in: a place named beside an organisation ("a West Bank leader of Fatah": West Bank).
        qualifiers: acting, former, first, designate, outgoing (in text order, each once).
    """

    root: Token
    start: int
    end: int
    title: str
    post_in: Mention | None = None
    post_in_text: str | None = None
    post_in_kind: str = PLACE
    also_in: Mention | None = None
    qualifiers: tuple[str, ...] = ()

    @property
    def acting(self) -> bool:
        return "acting" in self.qualifiers


def _qualifier(token: Token) -> str | None:
    words = lexicon.mapping("title_qualifiers.tsv")
    word = token.lower_.rstrip("-")
    return words.get(word) or words.get(token.lower_)


def _demonym(token: Token) -> str | None:
    """The country a country adjective names ("Russian": Russia)."""
    return lexicon.mapping("demonyms.tsv").get(token.lower_)


def _portfolio(words: str) -> bool:
    return words.lower() in lexicon.word_set("portfolios.txt")


def _canonical(words: list[str]) -> str:
    """The canonical form of a title's words (``posts.tsv``'s second column when it lists them)."""
    text = " ".join(words).replace(" - ", "-")
    posts = lexicon.mapping("posts.tsv")
    if text in posts:
        return posts[text]
    # a listed title at the end keeps its canonical form ("foreign spokesman": "foreign spokesperson")
    for i in range(1, len(words)):
        tail = " ".join(words[i:])
        if tail in posts:
            return " ".join([*words[:i], posts[tail]])
    return text


def _left(ctx: Context, core_start: int, root: Token) -> tuple[int, list[Token]]:
    """The tokens before a title that the parse attaches to it (or to the name it precedes), in text order, and
    where the phrase starts: no determiner, verb, pronoun or person's name; a word glued to a number by a hyphen
    ("two-term") and the number are left out."""
    doc = ctx.doc
    i = core_start - 1
    taken: list[Token] = []
    while i >= root.sent.start:
        tok = doc[i]
        if "\n" in tok.text_with_ws or tok.is_space:
            break
        glued = tok.text == "-" and not tok.whitespace_ and i > root.sent.start and not doc[i - 1].whitespace_
        if tok.text == "-" and (not glued or doc[i - 1].like_num):
            if glued and taken:
                taken.pop()
            break
        if tok.dep_ in ("det", "punct") and not glued or tok.pos_ in ("VERB", "AUX", "ADP", "PRON", "NUM", "DET",
                                                                       "SCONJ"):
            break
        if tok.like_num and _qualifier(tok) is None or not _attached(tok, root):
            break
        if not (glued or tok.lower_ in ("'s", "’s") or tok.text.replace(".", "").replace("-", "").isalpha()):
            break  # a number, a stray character: not a word of a title
        if (m := ctx.mention_at(tok, (PERSON,))) is not None and m.component != "title_rule":
            break
        taken.append(tok)
        i -= 1
    while taken and taken[-1].lower_ in ("and", "-", "'s", "’s"):
        taken.pop()
    taken.reverse()
    return (taken[0].i if taken else core_start), taken


def _attached(tok: Token, root: Token) -> bool:
    """Whether ``tok`` hangs, through at most six heads, on the title's root or on the name the title precedes."""
    head = tok
    for _ in range(6):
        if head.head.i == head.i or head.pos_ in ("VERB", "AUX"):
            return False
        head = head.head
        if head.i == root.i or (head.i == root.head.i and root.dep_ in ("compound", "nmod")):
            return True
    return False


def read_title(ctx: Context, core_start: int, core_end: int) -> TitlePhrase | None:
    """The title whose words of ``posts.tsv`` are tokens ``core_start`` to ``core_end`` (exclusive), read with what
    the parse attaches to it; ``None`` for a plural ("presidents") or a title used as a verb."""
    doc = ctx.doc
    core = doc[core_start:core_end]
    root = core.root
    if root.tag_ in ("NNS", "NNPS") or root.pos_ == "VERB":
        return None
    words = [t.lower_ for t in core]
    qualifiers: list[str] = []
    post_in: Mention | None = None
    post_in_text: str | None = None
    post_in_kind = PLACE
    also_in: Mention | None = None
    if words and words[0] in lexicon.mapping("title_qualifiers.tsv") and len(words) > 1 and (
            " ".join(words) not in lexicon.mapping("posts.tsv")):
        qualifiers.append(lexicon.mapping("title_qualifiers.tsv")[words.pop(0)])
    start, left = _left(ctx, core_start, root)
    prefix: list[str] = []
    skip_until = -1
    for tok in left:
        if tok.i <= skip_until or tok.lower_ in ("'s", "’s", "-") or tok.ent_type_ == "ORDINAL" and not _qualifier(tok):
            continue
        mention = ctx.mention_at(tok, (ORGANIZATION, PLACE))
        if mention is not None and mention.label != "TITLE" and not _portfolio(mention.name):
            named = doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
            skip_until = named.end - 1 if named is not None else tok.i
            if post_in is None or post_in.kind == PLACE:  # an organisation, else the place nearest the title
                if mention.kind == ORGANIZATION and post_in is not None:
                    also_in = post_in
                post_in = mention
            continue
        if not prefix and (qualifier := _qualifier(tok)) is not None:
            if qualifier == "none":  # "a possible secretary of state": nobody holds it
                return None
            qualifiers.append(qualifier)
            continue
        if (country := _demonym(tok)) is not None:
            if post_in is None:
                post_in_text, post_in_kind = country, PLACE
            continue
        if tok.lower_ in _PLACE_NOUNS and tok.pos_ == "NOUN":
            continue  # "the country's president": the country in context, not a word of the title
        if not prefix and tok.lower_ in ORGANISATION_NOUNS and post_in is None:
            referred = _referred_body(ctx, tok)  # "Committee Chairman X": the committee named before
            if referred is not None:
                post_in = referred
                continue
        if tok.ent_type_ in ("NORP", "GPE", "ORG", "PERSON") and not _portfolio(tok.lower_):
            continue  # a name the mentions leave out is not a title word
        prefix.append(tok.lower_)
    end = core_end
    title_words = [*prefix, *words]
    # "Ex-President": a qualifier glued by a hyphen
    if start >= 2 and doc[start - 1].text == "-" and _qualifier(doc[start - 2]) == "former":
        qualifiers.insert(0, "former")
        start -= 2
    # "-designate", "-elect" glued after the title
    if end + 1 < len(doc) and doc[end].text == "-" and _qualifier(doc[end + 1]) == "designate":
        qualifiers.append("designate")
        end += 2
    of = _of_words(ctx, end) if end < len(doc) and doc[end].lower_ == "of" else None
    if of is None and end < len(doc) and doc[end].lower_ == "of" and doc[end].head.i == root.i:
        return None  # "the president of X's political wing": of something this reading does not understand
    if of is not None:
        kind, value, text, end = of
        if kind == "portfolio":
            title_words += ["of", text]
        elif kind == "title":
            title_words += ["of", "the", text]
            post_in_text, post_in_kind = value, PLACE
        elif isinstance(value, Mention):
            if post_in is not None and post_in.kind == PLACE and value.kind == ORGANIZATION:
                also_in = post_in
            post_in = value
        else:
            post_in, post_in_text, post_in_kind = None, value, kind
    for prep in (c for c in root.children if of is None and c.dep_ == "prep" and c.i == end):
        objs = [c for c in prep.children if c.dep_ == "pobj"]
        if not objs or prep.lower_ not in _IN_PREPOSITIONS | {"to"}:
            break
        mention = ctx.mention_at(objs[0], (ORGANIZATION,) if prep.lower_ != "to" else (ORGANIZATION, PLACE))
        if mention is not None and mention.label != "TITLE":
            if post_in is not None and post_in.kind == PLACE and mention.kind == ORGANIZATION:
                also_in = post_in
            post_in = mention
            end = _token_end(ctx, mention)
    if post_in is not None:
        post_in_text = None
    title = _canonical(title_words)
    if post_in is None and post_in_text is None and kind_of(title).scope == "body":
        post_in = _body_of_words(ctx, [t for t in left if t.lower_ in prefix], root)
    return TitlePhrase(root, start, end, title, post_in, post_in_text, post_in_kind, also_in,
                       tuple(dict.fromkeys(qualifiers)))


def _token_end(ctx: Context, mention: Mention) -> int:
    """The index of the token after a mention."""
    span = ctx.doc.char_span(mention.span.start, mention.span.end, alignment_mode="expand")
    return span.end if span is not None else 0


def _of_words(ctx: Context, of: int) -> tuple[str, object, str, int] | None:
    """What "of ..." after a title (token ``of`` is the "of") says, read word by word, and the token after it:

    * a named organisation or place right after it ("of Kazakhstan", "of the Palestinian Authority");
    * a country's adjective and a title ("of the Russian President"): ("title", country, title);
    * a portfolio ("of State", "of Foreign Affairs"): ("portfolio", None, words);
    * else, through the parse, an organisation written as a phrase or named before by its kind
      (:func:`_of_complement`).
    """
    doc = ctx.doc
    j = of + 1
    while j < len(doc) and doc[j].lower_ in ("the", "a"):
        j += 1
    if j >= len(doc):
        return None
    mention = ctx.mention_at(doc[j], (ORGANIZATION, PLACE))
    if mention is not None and mention.label != "TITLE" and mention.span.start == doc[j].idx:
        after = _token_end(ctx, mention)
        if after < len(doc) and doc[after].lower_ in ("'s", "’s"):
            # "of X's political wing": the post is the wing's, not X's; the wing may be named after it
            return _named_after(ctx, doc[of])
        if mention.kind == PLACE and after < len(doc):  # "of the United States Central Command"
            body = ctx.mention_at(doc[after], (ORGANIZATION,))
            if body is not None and body.span.start == doc[after].idx:
                return ORGANIZATION, body, "", _token_end(ctx, body)
            name = _proper_name_end(ctx, after)
            objs = [c for c in doc[of].children if c.dep_ == "pobj"]
            if name > after and objs and objs[0].i == name - 1:  # a body's name the model did not tag, led by
                # its place's: "of the United States Central Command"
                return ORGANIZATION, doc[j:name].text, "", name
        return mention.kind, mention, "", after
    posts = lexicon.mapping("posts.tsv")
    if (country := _demonym(doc[j])) is not None and j + 1 < len(doc) and doc[j + 1].lower_ in posts:
        return "title", country, posts[doc[j + 1].lower_], j + 2
    for width in (3, 2, 1):
        words = " ".join(t.lower_ for t in doc[j:j + width])
        if j + width <= len(doc) and _portfolio(words) and doc[j + width - 1].pos_ in ("NOUN", "PROPN", "ADJ"):
            return "portfolio", None, words, j + width
    objs = [c for c in doc[of].children if c.dep_ == "pobj"]
    found = _of_complement(ctx, objs[0]) if objs else None
    if found is None:  # "of X's political wing, Y": Y
        return _named_after(ctx, doc[of]) if objs and any(c.dep_ == "poss" for c in objs[0].children) else None
    kind, value, text = found
    return kind, value, text, _own_end(objs[0])


def _proper_name_end(ctx: Context, start: int) -> int:
    """The token after the capitalised proper nouns from ``start`` on that are no person's name ("Central Command"
    of "the United States Central Command"); ``start`` when there are none."""
    doc = ctx.doc
    end = start
    while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].is_title and doc[end].is_alpha and (
            ctx.mention_at(doc[end], (PERSON,)) is None):
        end += 1
    return end


def _named_after(ctx: Context, of: Token) -> tuple[str, object, str, int] | None:
    """"the president of X's political wing, Y": the organisation Y named right after the phrase of "of"
    (after a comma, and followed by punctuation), as what the post is in; ``None`` when none is."""
    doc = ctx.doc
    objs = [c for c in of.children if c.dep_ == "pobj"]
    if not objs:
        return None
    comma = _own_end(objs[0])
    if comma + 1 >= len(doc) or doc[comma].text != ",":
        return None
    body = ctx.mention_at(doc[comma + 1], (ORGANIZATION,))
    if body is None or body.span.start != doc[comma + 1].idx:
        return None
    after = _token_end(ctx, body)
    if after < len(doc) and not doc[after].is_punct:
        return None
    return ORGANIZATION, body, "", after


def _own_end(tok: Token) -> int:
    """The token after a noun's own phrase: its subtree without an apposition, clause or list hanging on it."""
    last = tok.i
    for child in tok.rights:
        if child.dep_ in ("appos", "punct", "relcl", "acl", "cc", "conj"):
            break
        last = max(last, child.right_edge.i)
    return last + 1


def _of_complement(ctx: Context, obj: Token) -> tuple[str, object, str] | None:
    """What the object of "of" after a title is when no name stands right after the "of": (kind, mention, "") for a
    named organisation or place; (ORGANIZATION, phrase, "") for an organisation written as a phrase ("the
    Palestinian election commission"), or the organisation named before by its kind ("the committee": the last
    committee the article named); ``None`` for anything else."""
    mention = ctx.mention_at(obj, (ORGANIZATION, PLACE))
    if mention is not None and mention.label != "TITLE":
        return mention.kind, mention, ""
    if obj.lower_ in ORGANISATION_NOUNS and obj.pos_ == "NOUN":
        modifiers = [t for t in obj.lefts if t.dep_ not in ("det", "punct")]
        if not modifiers:
            referred = _referred_body(ctx, obj)
            return (ORGANIZATION, referred, "") if referred is not None else None
        return ORGANIZATION, phrase_text(obj), ""
    return None


def _body_of_words(ctx: Context, words: list[Token], root: Token, window: int = 3000) -> Mention | None:
    """"Municipal Commissioner X" where the article names "the Y Municipal Corporation": the organisation named
    nearest (before the title, else after it) whose name has a capitalised word of the title's own ("Municipal");
    ``None`` when no word is capitalised or no name has it."""
    wanted = {t.lower_ for t in words if t.is_title and t.is_alpha and t.lower_ not in DEPUTY_WORDS
              and _qualifier(t) is None}
    if not wanted:
        return None
    def fits(m: Mention) -> bool:
        return m.label != "TITLE" and bool(wanted & set(m.name.lower().split()))
    before = [m for m in ctx.mentions_in(max(0, root.idx - window), root.idx, (ORGANIZATION,)) if fits(m)]
    after = [m for m in ctx.mentions_in(root.idx + len(root.text), root.idx + window, (ORGANIZATION,)) if fits(m)]
    return before[-1] if before else after[0] if after else None


def _referred_body(ctx: Context, noun: Token, window: int = 3000) -> Mention | None:
    """"the committee", "Committee Chairman X": the last organisation named before whose name has that noun."""
    named = [m for m in ctx.mentions_in(max(0, noun.idx - window), noun.idx, (ORGANIZATION,))
             if noun.lower_ in m.name.lower().split()]
    return named[-1] if named else None
