"""What a question asks for: the type of answer, its parts, the numbers in it, a whole table.

Rules over the question's words, used by the extractive answerer to pick sentences: a
number for "how many/how much", a duration for "how long", a day or date for "when"; one
best sentence per part of a multi-part question; a table row whose range holds the number
asked about ("5 years" in the row "4-6"); the whole table for "what are the rates by
country?".
"""

from __future__ import annotations

import re
from enum import StrEnum

from colonnade.knowledge.query_text import STOP_WORDS

__all__ = [
    "AnswerType",
    "answer_type",
    "asks_for_whole_table",
    "asks_in_words",
    "asks_what_follows",
    "asks_whether_exists",
    "asks_who_approves",
    "matches_type",
    "names_label",
    "part_asks",
    "question_numbers",
    "question_parts",
    "range_holds",
]


class AnswerType(StrEnum):
    contact = "contact"  # a phone number or an e-mail address
    duration = "duration"
    number = "number"
    date = "date"
    steps = "steps"  # what to do: a sentence that tells the asker to do something
    person = "person"  # who: a sentence that names a role, a team or a person
    any = "any"


_DURATION_Q = re.compile(
    r"\bhow (long|soon|quickly|fast|early|far in advance|often)\b|\bwithin how\b"
    r"|\bhow many (minutes|hours|days|weeks|months|years|business days|working days)\b"
    r"|\bhow much time\b",
    re.IGNORECASE,
)
_DATE_Q = re.compile(
    r"\bwhen\b|\bby when\b|\bwhat time\b|\bwhich days?\b|\bwhat (date|day)\b|\bdeadline\b"
    r"|\bby what time\b|\bwhat month\b",
    re.IGNORECASE,
)
_NUMBER_Q = re.compile(
    r"\bhow (many|much|big|large|high)\b|\b(limit|cap|rate|amount|maximum|minimum|max|min|"
    r"allowance|budget|price|cost|length|extension|number)\b",
    re.IGNORECASE,
)
_UNIT = (
    r"(minutes?|mins?|hours?|hrs?|days?|business days?|working days?|weeks?|months?|years?|"
    r"yrs?)"
)
_DURATION = re.compile(rf"\b\d+(?:[.,]\d+)?\s*{_UNIT}\b|\b(immediately|annually|yearly)\b", re.I)
_MONTHS = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)"
)
_DATE = re.compile(
    rf"\b\d{{1,2}}(st|nd|rd|th)?\s+{_MONTHS}\b|\b{_MONTHS}\s+\d{{1,4}}\b|\b{_MONTHS}\b"
    r"|\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}(st|nd|rd|th)\b"
    r"|\b(last|first|next) (working |business )?day\b|\bquarterly\b|\bevery \w+\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
# "who approves that?", "and who signs it off?", "..., who has to be told?"; not a relative
# "who" ("someone who is leaving", "my neighbour, who I help") nor "who is eligible"
_PERSON_Q = re.compile(
    r"(?:^|[.?!;]\s*|,\s*(?=who (?:do|should|must|has|have|needs?|can|approves|signs|decides|"
    r"owns|pays|is responsible)\b)|\b(?:and|but|so|then)\s+)who\b"
    r"(?!\s+(?:is|are)\s+(?:eligible|entitled|covered|allowed)\b)",
    re.IGNORECASE,
)
# a role, a team or a person: who approves, decides, is told; a team or function by its
# capitalised name ("HR", "Legal", "the Security team"), not any "team" or "duty"
_PERSON = re.compile(
    r"\b(?:[Mm]anager|[Dd]irector|[Oo]fficer|[Ss]upervisor|[Ll]eader|[Hh]ead of|[Cc]ommittee"
    r"|[Oo]wner|[Aa]pprover|[Cc]ontroller|[Cc]oordinator|[Aa]dministrator|[Aa]dvis[eo]r"
    r"|[Rr]epresentative|[Cc]ounsel|[Ss]ervice [Dd]esk|[Hh]elpdesk"
    r"|(?:approved|authorised|authorized|signed off|decided|owned) by"
    r"|HR|Legal|Finance|Compliance|Payroll|CISO|CFO|CEO|COO"
    r"|(?!(?:The|This|That|Each|Every|Your|Our)\b)[A-Z][\w&]* (?:[Tt]eam|[Dd]esk))s?\b"
)
# "who do I call", "the hotline number", "what's the email for ...": a phone number or an
# e-mail address answers
_CONTACT_Q = re.compile(
    r"\b(hotline|helpline|help line|line|contact|emergency)\s+number\b"
    # "the phone number for ...", not "keep the same phone number"
    r"|(?<!same )(?<!my )(?<!own )(?<!personal )(?<!new )\b(phone|telephone)\s+number\b"
    r"|\bwhat number\b(?!\s+of\b)|\bnumber (to|do i|should i) (call|ring|phone|dial)\b"
    r"|\bwho (do|should|can) (i|we) (call|ring|phone|email|e-mail|contact)\b"
    r"|\b(e-?mail|mail) address\b|\bhow (do|can) i (reach|contact)\b",
    re.IGNORECASE,
)
# a phone number (9 digits or more, single separators: not a date or a range of years) or an
# e-mail address
_CONTACT = re.compile(
    r"(?<![\w.,])\+?\d(?:[ ()-]?\d){8,}(?!\w|[.,]\d)|\b[\w.+-]{1,64}@[\w-]+\.[a-z]{2,}\b", re.I
)
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
}
_Q_NUMBER = re.compile(
    r"\b(\d+(?:,\d{3})*(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
    # "800k", "1.2 million", "two and a half"
    r"(?:(?P<k>k)|\s+(?P<scale>thousand|million)|(\s+and a half))?\b",
    re.IGNORECASE,
)
_SCALE = {"k": 1_000, "thousand": 1_000, "million": 1_000_000}
# a label and its number in a table's first cell ("Day 5", "Band 3", "Level 2")
_LABEL = re.compile(r"^\s*([^\W\d_]+)\s+(\d+)\s*$")
_COUNTED = re.compile(r"\s+(?!of\b|or\b|and\b)[a-z]", re.IGNORECASE)  # "one year"
_MONEY = r"(?:[€$£]|EUR|USD|GBP)?\s*"
# a number, not a time of day ("22:00"): atomic, so that "22" cannot back off to "2"
_N = r"(?<![\d:])(?>\d+(?:[.,]\d+)*)(?!:\d)"
_UNIT_WORD = r"(?:(?!(?:am|pm|a\.m|p\.m|h|hrs?)\b)[^\W\d_]+\s*)"  # "years", not "am"
_RANGE = re.compile(
    # a unit may follow the first number too: "2 years to 4 years", "10 years or more"
    rf"(?P<a>{_N})\s*%?\s*{_UNIT_WORD}?(?:-|–|—|to)\s*{_MONEY}(?P<b>{_N})"
    rf"|(?P<c>{_N})\s*%?\s*{_UNIT_WORD}?(?:\+|or more|and (?:more|over|above))"
    rf"|(?:up to|under|less than|below)\s*{_MONEY}(?P<d>{_N})"
    rf"|(?:more than|over|above|at least)\s*{_MONEY}(?P<e>{_N})",
    re.IGNORECASE,
)
# a cell that is one value ("4%", "€500", "12 months"): it holds that value only
_SINGLE = re.compile(rf"^\s*{_MONEY}(?P<v>\d+(?:[.,]\d+)*)\s*(?:%|[^\W\d_]+)?\s*$", re.I)
_PART_SPLIT = re.compile(
    r"\?\s+|;\s*|,?\s+and\s+(?=(how|what|when|which|who|where|can|could|do|does|is|are|by|"
    r"whether|if)\b)|,\s+(?=(how|what|when|which|who|where|can|could|do|does|is|are|by)\b)",
    re.IGNORECASE,
)
_WHOLE_TABLE = re.compile(
    r"\b(each|every|all|list|table|overview)\b|\bby (country|city|role|region|level|type|"
    r"priority|severity|quarter|grade|band)\b|\bwhat are the \w+ (rates|limits|ranges|levels)\b"
    r"|\branges\b",
    re.IGNORECASE,
)


# a yes/no question whether something exists or is provided ("is there a christmas bonus?",
# "does the company pay for ...?", "do we get ...?"): when the documents lack it, a sentence
# on the neighbouring topic is the typical wrong answer
# at the start of the question or of one of its sentences, after a greeting or an opener
# ("Hi, is there ...", "quick question: do we get ...", "I'm new here. Is there ...")
_OPENING = (
    r"(?:^|[.!?]\s{1,3})\W{0,3}(?:(?:hi|hello|hey|sorry|ok|okay|so|also|and|quick question"
    r"|one more thing|question)\b(?: there)?[\s,:;!.-]{0,3})?"
)
_EXISTS = re.compile(
    _OPENING + r"(is there|are there|does (the company|\w+) (pay|give|offer|cover|provide)"
    r"|do (they|we|you) (pay|give|offer|cover|provide|get)|do i get|can i get"
    r"|will (they|the company) (pay|cover))\b",
    re.IGNORECASE,
)


# "is there a cap?", "is there a time limit on ...", "is there a number to call?": a value
# asked for as a yes/no question
_LIMIT_ASKED = re.compile(
    _OPENING + r"(is|are) there (a |an |any )?"
    r"(yearly |monthly |annual |daily |weekly |time |upper )?"
    r"(max|maximum|minimum|min|limit|cap|ceiling|deadline|threshold)s?\b"
    # "is there a number I can call?", "is there a hotline number for the UK?": a contact
    r"|\b(is|are) there (a|an|any)\b[^?.!]{0,40}\b(number|e-?mail|address)\b",
    re.IGNORECASE,
)


def asks_whether_exists(question: str) -> bool:
    return _EXISTS.search(question) is not None and _LIMIT_ASKED.search(question) is None


# "what do I do?", "what should we do now?", "what's the procedure?": the steps to take
_STEPS_Q = re.compile(
    r"\bwhat (do|should|must|shall|can) (i|we)( \w+){0,2} do\b|\bwhat('s| is| are) the (steps|"
    r"process|procedure)\b|\bwhat now\b|\bwhat next\b",
    re.IGNORECASE,
)
# a sentence that tells the reader what to do: it starts (after "If ...," at most) with a verb
# in the imperative
_IMPERATIVE = re.compile(
    r"^(?:if [^,]{3,80},\s*|in (an|that) \w+,\s*|then\s+)?(?:please\s+)?(do not|don't|never|always|"
    r"report|call|contact|tell|send|submit|notify|email|e-mail|write|use|ask|fill|complete|request|"
    r"raise|log|open|book|return|keep|make|follow|check|lock|change|inform|speak|talk|bring|apply|"
    r"upload|record|enter|attach|forward|delete|stop|take|go|get|leave|disconnect|isolate|"
    r"escalate|phone|ring|file|register|declare|hand|give|collect|switch|turn|remove|reset)\b",
    re.IGNORECASE,
)


def answer_type(question: str) -> AnswerType:
    if _CONTACT_Q.search(question):
        return AnswerType.contact
    if _DURATION_Q.search(question):
        return AnswerType.duration
    if _DATE_Q.search(question):
        return AnswerType.date
    if _NUMBER_Q.search(question):
        return AnswerType.number
    if _PERSON_Q.search(question.strip()):
        return AnswerType.person
    if _STEPS_Q.search(question):
        return AnswerType.steps
    return AnswerType.any


def matches_type(sentence: str, kind: AnswerType) -> bool:
    if kind is AnswerType.duration:
        return _DURATION.search(sentence) is not None
    if kind is AnswerType.date:
        return _DATE.search(sentence) is not None
    if kind is AnswerType.number:
        return _DIGIT.search(sentence) is not None
    if kind is AnswerType.contact:
        return _CONTACT.search(sentence) is not None
    if kind is AnswerType.steps:
        return _IMPERATIVE.search(sentence.strip("| ")) is not None
    if kind is AnswerType.person:
        return _PERSON.search(sentence) is not None
    return False


def question_parts(question: str) -> list[str]:
    """The parts of a multi-part question (one part for a simple one).

    Parts are split at question marks, semicolons, and at "and" or a comma before a
    question word; "X and Y" is also split when each side has two content words of its own
    ("the hotel limit there and the daily allowance for the US", not "RPO and RTO"), unless
    it is a yes/no question ("can I put a coffee and a sandwich on the card?") other than a
    request ("could you tell me X and Y?").
    """
    parts = [p.strip(" ,?") for p in _PART_SPLIT.split(question) if p and p.strip(" ,?")]
    parts = [p for p in parts if len(p.split()) >= 2 and not _is_split_word(p)]
    out = []
    for part in parts:
        pieces = re.split(r"\s+and\s+", part)
        # "can I put a coffee and a sandwich on the card?" is one yes/no question; "could you
        # tell me X and Y?" asks for two things
        yes_no = _YES_NO.match(part) is not None and _REQUEST.match(part) is None
        if len(pieces) == 2 and not yes_no and all(len(_content(p)) >= 2 for p in pieces):
            out.extend(pieces)
        else:
            out.append(part)
    if len(out) < 2:
        return out or [question]
    # "I'm based in Gdańsk and going to Hamburg next week, how much ...?": what the asker
    # tells about themselves is context for the part that asks, not a part of its own
    asking: list[str] = []
    context: list[str] = []
    for part in out:
        if _STATEMENT.match(part) and not _ASKS.search(part):
            context.append(part)
        else:
            asking.append(", ".join([*context, part]))
            context = []
    if len(asking) < 2:
        return [question]
    if context:
        asking[-1] = ", ".join([asking[-1], *context])
    return asking


# what the asker tells about themselves ("I'm based in Gdańsk", "going to Hamburg next
# week"), when it holds no question word
_STATEMENT = re.compile(
    r"^(?:i|i'm|i’m|im|i am|i've|i’ve|i have|i was|i will|i'll|we|we're|we’re|we are|my|our|me"
    r"|going|travelling|traveling|flying|moving|heading|visiting)\b",
    re.IGNORECASE,
)
# a yes/no question opens with its verb ("is there ...", "can I ...", "do we ...")
_YES_NO = re.compile(
    r"^\W*(?:is|isn't|are|aren't|was|were|do|don't|does|doesn't|did|didn't|can|can't|could"
    r"|will|won't|would|should|shall|may|might|must|am)\b",
    re.IGNORECASE,
)
# a request worded as a yes/no question ("could you tell me ...", "do you know ...")
_REQUEST = re.compile(
    r"^\W*(?:(?:can|could|would|will) you (?:please )?(?:tell|give|show|list|explain|send"
    r"|find|check|let me know)|do you know)\b",
    re.IGNORECASE,
)
# a question word inside a part that opens like a statement ("I need to know how many ...")
_ASKS = re.compile(
    r"\b(?:how|what|what's|whats|when|which|who|whom|whose|where|why|whether)\b",
    re.IGNORECASE,
)


# a part that goes on from the one before it: "..., and the VPN client", "? and the phone"
_AND_END = re.compile(r"\band\W*\Z", re.IGNORECASE)
_AND_START = re.compile(r"\W*and\b", re.IGNORECASE)


def asks_in_words(text: str) -> bool:
    """Whether the text asks in words (a question word, a yes/no question's opening verb),
    not only with a question mark ("laptop?")."""
    return _ASKS.search(text) is not None or _YES_NO.match(text) is not None


def part_asks(part: str, question: str) -> bool:
    """Whether a part of a question asks (a question word, a yes/no question's opening verb,
    a question mark after it, or "and" after a part that asks: "what's the hotel limit in
    Paris and the per diem for Germany"), rather than tells the situation ("someone joins my
    team next month", "if I quit after the course", "on another note")."""
    if asks_in_words(part):
        return True
    start = question.find(part)
    if start < 0:  # joined with what the asker told before it: "I'm in Paris, the hotel limit"
        part = part.rsplit(", ", 1)[-1]
        start = question.find(part)
    if start < 0:
        return False
    if question[start + len(part) :].lstrip().startswith("?"):
        return True
    before = question[:start]
    goes_on = _AND_END.search(before) is not None or _AND_START.match(part) is not None
    return goes_on and asks_in_words(before)


def _content(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", text.lower()) if w not in STOP_WORDS]


def _is_split_word(text: str) -> bool:
    return text.lower() in {"how", "what", "when", "which", "who", "where", "can", "is", "are"}


def question_numbers(question: str) -> list[float]:
    """Numbers the question mentions, in digits or words ("three and a half" is 3.5)."""
    out = []
    for m in _Q_NUMBER.finditer(question):
        raw = m.group(1).lower()
        scale = m.group("k") or m.group("scale")
        if raw == "one" and not scale and not _COUNTED.match(question, m.end()):
            continue  # "that one?", "a higher one", "one of them": a pronoun, not a count
        value = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else _num(raw)
        if scale:
            value *= _SCALE[scale.lower()]
        elif m.group(4):
            value += 0.5
        out.append(value)
    return out


def names_label(cell: str, question: str) -> bool:
    """Whether the question names a cell that is a label with a number ("Day 5", "Band 3")
    as it is written: "on day 5" names "Day 5"; the number alone does not ("within 5 days")."""
    m = _LABEL.match(cell)
    return (
        m is not None
        and re.search(rf"\b{re.escape(m.group(1))}\s+{m.group(2)}\b", question, re.IGNORECASE)
        is not None
    )


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def range_holds(cell: str, value: float) -> bool:
    """Whether a table cell states a range that contains the value ("4-6" holds 5, "7% or
    more" holds 8, "more than 24 months" holds 30), or is that value alone ("4%" holds 4)."""
    # runs of white space as one space: the patterns' \s* on a long run would backtrack over
    # it from every number before it (quadratic in the run's length)
    cell = " ".join(cell.split())
    for m in _RANGE.finditer(cell):
        if m.group("a") is not None:
            low, high = _num(m.group("a")), _num(m.group("b"))
            if low <= value <= high or (low <= value < high + 1 and value % 1):
                return True
        elif m.group("c") is not None:
            if value >= _num(m.group("c")):
                return True
        elif m.group("d") is not None:
            if value <= _num(m.group("d")):
                return True
        elif m.group("e") is not None and value >= _num(m.group("e")):
            return True
    single = _SINGLE.match(cell)
    return single is not None and _num(single.group("v")) == value


# a turn that only asks what comes next in what was just quoted: "and after that?", "and
# then?", "what happens next?", "and before that?"
_WHAT_FOLLOWS = re.compile(
    r"^\W*(?:(?:ok|okay|so|right)\W+)?(?:and\s+)?(?:then(?:\s+what)?|(?:right\s+)?(?:after|before)"
    r"(?:\s+that)?|what\s+(?:happens|comes)?\s*(?:next|then|after(?:\s+that)?)"
    r"|what\s+about\s+after(?:\s+that)?)\W*$",
    re.IGNORECASE,
)


def asks_what_follows(question: str) -> bool:
    return _WHAT_FOLLOWS.match(question) is not None


def asks_for_whole_table(question: str) -> bool:
    return _WHOLE_TABLE.search(question) is not None


_WHO_APPROVES = re.compile(
    r"\bwho\b|\bwhich (role|manager|level|person)\b|\bsigns? (it |that |this )?off\b"
    r"|\bapprov|\bauthori[sz]",
    re.IGNORECASE,
)


def asks_who_approves(question: str) -> bool:
    """A role asked for: "who can sign off £700?", "which manager approves it?"."""
    return _WHO_APPROVES.search(question) is not None
