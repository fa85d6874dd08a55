"""The extractive answerer: the embedded default generator and the rule-based fallback.

It composes an answer from the most relevant sentences of the retrieved
chunks, verbatim, each marked with its citation ``[n]``. Sentences are scored
against the question by embedding similarity, overlap of stemmed and spelling-corrected
terms, and what the question asks for (a number, a duration, a date; a table row whose
range holds the number asked about); each part of a multi-part question gets its best
sentence, and a question about a whole table gets the table. Whether to answer at all is
decided by :mod:`colonnade.orchestration.answerability`; below ``min_confidence`` it
says plainly that nothing relevant was found, and for an organisation the documents never
name it says that. It never writes text of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

import numpy as np

from colonnade.knowledge.models import DEFAULT_TENANT, SearchHit
from colonnade.knowledge.ports import Embedder, Vectors
from colonnade.orchestration.answerability import (
    Answerability,
    Assessment,
    Vocabulary,
    content_terms,
    foreign_entities,
    stem,
    words,
)
from colonnade.orchestration.expansion import in_collection_words
from colonnade.orchestration.models import Answer, Citation, TextDelta, related
from colonnade.orchestration.places import (
    named_as_origin,
    place,
    places_in,
    speaks_of_abroad,
    written_as_place,
)
from colonnade.orchestration.ports import GenerationRequest
from colonnade.orchestration.question_analysis import (
    AnswerType,
    answer_type,
    asks_for_whole_table,
    asks_what_follows,
    asks_whether_exists,
    asks_who_approves,
    matches_type,
    part_asks,
    question_numbers,
    question_parts,
)
from colonnade.orchestration.readings import gist, told
from colonnade.orchestration.sentences import (
    Candidate,
    VectorCache,
    distinct,
    normal,
    not_mentioned,
    quoted_before,
    render,
    run_on,
    score_sentence,
    split_sentences,
    stems_in_place,
    stems_of,
)
from colonnade.orchestration.tables import (
    catch_all,
    column_rows,
    first_cell,
    held_by_limits,
    keyed_by_names,
    rows_asked_for,
    rows_continued,
    rows_of_places,
    table_headers,
    table_of,
)

__all__ = [
    "NOT_FOUND",
    "Answer",
    "Citation",
    "ExtractiveAnswerer",
    "not_mentioned",
    "split_sentences",
]

NOT_FOUND = "I could not find anything about this in the documents you can access."


# a sentence of the answering document scoring at least this share of the best one is quoted
# beside it: the fact asked for is often in a sentence near the one that names the topic
# ("Unused days may be carried over." / "Carried-over days expire on 31 March."; one that
# refers back, "They expire ...", is quoted anyway: ``run_on``); on the tuning halves, 0.6 of
# the best and 4 sentences answered 13 more questions of 506 than 0.8 and 3
CLOSE = 0.6
# when the best sentence is a table's row, the table's other rows are other cases, not
# context: only rows that score as well are quoted beside it; so are rows of another passage
# (rows in the best sentence's own passage are the table it introduces, held to CLOSE)
CLOSE_ROW = 0.8
# a follow-up (asked with the conversation's terms) whose best sentence is in the document the
# last answer quoted goes on about a topic the documents were found to cover: it is answered
# from a little lower confidence. Chosen on the tuning halves: 0.05 answered 4 more of 506
# with no unanswerable question answered; 0.07 answered 5 and 4 of 102 unanswerable ones
CONTINUED_MARGIN = 0.05
# a sentence of another document scoring this share of the best is quoted beside it: which
# of the two answers is a coin toss. On the tuning sets: 0.97 answered 2 more of 506, 0.94 3
# (citation precision 0.973 to 0.971), 0.9 2 and lost one
TIED = 0.94


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        *,
        max_sentences: int = 4,
        min_confidence: float | None = None,
        keyword_share: float = 0.3,
        max_hits: int = 5,
        cache_size: int = 50_000,
        answerability: Answerability | None = None,
    ) -> None:
        # the last step of every fallback chain: it must not fail on a bad setting
        if min_confidence is not None and not 0 <= min_confidence <= 1:
            raise ValueError("min_confidence is a score between 0 and 1")
        self.embedder = embedder
        self.max_sentences = max_sentences
        self.min_confidence = min_confidence
        self.keyword_share = keyword_share
        self.max_hits = max_hits
        self.answerability = answerability or Answerability(None)
        self._vectors = VectorCache(embedder, cache_size)

    def stream(self, request: GenerationRequest) -> Iterator[TextDelta | Answer]:
        """One delta per chosen sentence (with its marker), then the answer."""
        # a follow-up (asked with the conversation's terms) may go on about the rows the
        # last answer quoted
        previous = (
            request.history[-1].answer
            if request.history and request.search_query != request.question
            else ""
        )
        answer, pieces = self._compose(
            request.question, request.hits, request.search_query, request.tenant, previous
        )
        for piece in pieces:
            yield TextDelta(piece)
        yield answer

    def answer(
        self, question: str, hits: list[SearchHit], *, search_query: str | None = None
    ) -> Answer:
        return self._compose(question, hits, search_query or question, None)[0]

    def _candidates(self, hits: list[SearchHit]) -> list[Candidate]:
        candidates = []
        seen: set[str] = set()
        for h, hit in enumerate(hits):
            headers = table_headers(hit.text)
            titles = {normal(t) for t in (hit.title, *hit.heading_path)}
            for position, (start, end) in enumerate(split_sentences(hit.text)):
                sentence = hit.text[start:end]
                header = headers.get(start)
                if header == sentence:  # a header row alone states nothing
                    continue
                key = normal(sentence)
                # a heading states nothing; a title that is a whole sentence (the first line of
                # a plain-text file) still does
                heading = key in titles and not sentence.rstrip().endswith((".", "!", "?"))
                if heading or key in seen:  # a heading, or a passage seen already
                    continue
                seen.add(key)
                candidates.append(Candidate(h, position, sentence, header, start, hit.document_id))
        return candidates

    def _refusal(
        self, text: str, confidence: float, hits: Sequence[SearchHit] = ()
    ) -> tuple[Answer, list[str]]:
        answer = Answer(text, [], self.name, confidence, grounded=False, related=related(hits))
        return answer, [text]

    def assessment(
        self,
        question: str,
        hits: list[SearchHit],
        *,
        search_query: str | None = None,
        tenant: str | None = None,
    ) -> Assessment | None:
        """Whether the passages answer the question, as the answerer decides it (None: no
        sentence to judge)."""
        hits = distinct(hits)[: self.max_hits]
        scored = self._scored(question, hits, search_query or question, tenant, every_signal=True)
        return scored[-1] if scored is not None else None

    def _scored(
        self,
        question: str,
        hits: list[SearchHit],
        search_query: str,
        tenant: str | None,
        previous: str = "",
        *,
        every_signal: bool = False,
    ) -> (
        tuple[list[Candidate], list[str], Vectors, list[float], Vocabulary, set[int], Assessment]
        | None
    ):
        candidates = self._candidates(hits)
        if not candidates:
            return None
        vocabulary = self.answerability.vocabulary(tenant or DEFAULT_TENANT)
        own = self.answerability.term_stems(question, vocabulary)
        carried = self.answerability.term_stems(search_query, vocabulary) - own
        # a sentence reads with its section's heading ("do not resist" under "Theft or
        # hijacking"), a table row with the table's header row too
        texts = [
            f"{' '.join(hits[c.hit].heading_path[-1:])}\n{c.table_header}\n{c.sentence}"
            if c.table_header
            else f"{' '.join(hits[c.hit].heading_path[-1:])}\n{c.sentence}"
            for c in candidates
        ]
        vectors = self._vectors.embed(texts)
        # matched in the collection's words: "hi-vis" reads as "hi-vis (high-visibility)";
        # a follow-up as asked and fused with the conversation, the closer reading counts
        readings = dict.fromkeys(
            (search_query, question, *told(question), *gist(question, vocabulary))
        )
        similarity = np.max(
            [
                vectors @ self._vectors.query(in_collection_words(q, vocabulary)[1])
                for q in readings
            ],
            axis=0,
        )
        kind = answer_type(question)
        # a follow-up's numbers may be in the turn it follows ("for that one?")
        numbers = question_numbers(question) or question_numbers(search_query)
        names, organisation = foreign_entities(question, vocabulary)
        # the places asked about, known to the collection or not: a table's row for Hamburg,
        # for Hamburg's country, or for "rest of world" answers for Hamburg
        asked = list(
            dict.fromkeys(
                [
                    *(n for n in names if not named_as_origin(question, n)),
                    *(p.name for p in places_in(question)),
                ]
            )
        )
        # a name the gazetteer lacks is under a table's row for "any other country" only
        # where the question writes it as a place ("an overnight in Zermatt", not "the
        # Kitzbuhel ski school")
        where = [n for n in asked if place(n) is not None or written_as_place(question, n)]
        placed = (
            rows_of_places(where, candidates, self._vectors) if where and not organisation else None
        )
        # a row earns the place it is for once, by its place: "and in munich?" after the per
        # diem in Germany does not take Munich's hotel limit for the word "munich"
        named = {stem(w) for n in asked for w in words(n)}
        unplaced = (own - named, carried - named)
        scores = []
        for i, (c, text, sim) in enumerate(zip(candidates, texts, similarity, strict=True)):
            terms = unplaced if placed is not None and placed[i] else (own, carried)
            scores.append(
                score_sentence(
                    self.keyword_share,
                    c,
                    text,
                    float(sim),
                    *terms,
                    kind,
                    numbers,
                    len(hits),
                    placed is not None and placed[i],
                    question,
                )
            )
        # a table of upper limits by role and "who approves £700?": the row £700 falls under
        held = held_by_limits(numbers, candidates) if asks_who_approves(question) else set()
        for i in held:
            scores[i] += 0.3
        best_sim = float(np.max(similarity))
        leading = [int(i) for i in np.argsort(scores)[::-1][:3]]  # the three best sentences
        covered_elsewhere = placed is not None and any(placed)
        # a country the documents do not name, and a leading sentence on "holidays abroad" or
        # "any other country": the place is covered too
        if asked and not organisation and all(place(n) for n in names):
            covered_elsewhere = covered_elsewhere or any(
                speaks_of_abroad(candidates[i].sentence) for i in leading
            )
        # the signals the answer-or-refuse model weighs; the bench asks for every one
        signals = None if every_signal else set(self.answerability.weights["coefficients"])
        extra = {"best_score": max(scores)}
        if signals is None or "type_missing" in signals:
            # a question that asks for a type of answer (a number, a date, a person, ...) and no
            # sentence near the top gives one: the passages are about the topic, not the answer
            extra["type_missing"] = float(
                kind is not AnswerType.any
                and not any(matches_type(candidates[i].sentence, kind) for i in leading)
            )
        exists = asks_whether_exists(question)
        if (
            signals is None
            or "sentence_coverage" in signals
            or (exists and "unmet_existence" in signals)
        ):
            present = [stems_in_place(hits[candidates[i].hit], texts[i]) for i in leading]
            extra["sentence_coverage"] = self.answerability.coverage(
                question, present[0], vocabulary
            )
            # "is there a christmas bonus?" and no sentence near the top with the christmas
            # bonus (a follow-up's topic may be in the conversation: "do they pay for the visa
            # too?"); the third sentence may be the one ("anything towards my internet?")
            met = max(
                self.answerability.coverage(q, p, vocabulary)
                for q in dict.fromkeys((question, search_query))
                for p in present
            )
            extra["unmet_existence"] = float(exists) * (1 - met)
        else:
            extra["unmet_existence"] = 0.0
        if covered_elsewhere:
            # a place the documents do not name, and a table row for "any other city": the
            # name is covered, not foreign
            extra["foreign_entity"] = 0.0
        # a follow-up counts as covered when either its own words or the fused question are
        assessment = max(
            (
                self.answerability.assess(
                    query,
                    hits,
                    best_sim,
                    tenant=tenant or DEFAULT_TENANT,
                    extra=extra,
                    signals=signals,
                )
                for query in dict.fromkeys((search_query, question))
            ),
            key=lambda a: a.probability,
        )
        return candidates, texts, vectors, scores, vocabulary, held, assessment

    def _compose(
        self,
        question: str,
        hits: list[SearchHit],
        search_query: str,
        tenant: str | None,
        previous: str = "",
    ) -> tuple[Answer, list[str]]:
        hits = distinct(hits)[: self.max_hits]
        scored = self._scored(question, hits, search_query, tenant, previous)
        if scored is None:
            return self._refusal(NOT_FOUND, 0.0, hits)
        candidates, texts, vectors, scores, vocabulary, held, assessment = scored
        confidence = assessment.probability
        if assessment.organisation:
            return self._refusal(not_mentioned(assessment.entities), confidence)
        threshold = assessment.threshold if self.min_confidence is None else self.min_confidence
        if previous and quoted_before(previous, candidates, int(np.argmax(scores))):
            threshold -= CONTINUED_MARGIN
        if confidence < threshold:
            # a name the documents never use is most likely why: say so
            if assessment.entities:  # a neighbour's documents are no lead for another's name
                return self._refusal(not_mentioned(assessment.entities), confidence)
            return self._refusal(NOT_FOUND, confidence, hits)
        order = [int(i) for i in np.argsort(scores)[::-1]]
        rows = [i for i in order if candidates[i].table_header is not None][:1]
        if rows and scores[rows[0]] >= 0.85 * scores[order[0]] and asks_for_whole_table(question):
            c = candidates[rows[0]]
            table = table_of(hits[c.hit].text, c.start)
            text = f"{table}\n[1]"
            citation = Citation.of(1, hits[c.hit], table)
            answer = Answer(
                text, [citation], self.name, confidence, grounded=True, sentences=[(table, 1)]
            )
            return answer, [text]
        continued: list[int] = []
        top = candidates[order[0]]
        own = self.answerability.term_stems(question, vocabulary)
        # a number or a place of the question's own picks its rows
        picks_rows = bool(question_numbers(question) or places_in(question))
        # the rows the last answer quoted, when a follow-up goes on about them ("and for the
        # late shift?") and the best sentence is a row of their table, or when it only asks
        # what comes next in them ("and after that?": the maternity row's "then 13 weeks at
        # statutory pay"), whatever sentence leads
        goes_on = top.table_header is not None or asks_what_follows(question)
        if previous and goes_on and not picks_rows:
            earlier = rows_continued(candidates, previous, own, stems_of)
            # the best sentence's table; under a sentence, the table of the best quoted row
            lead = (
                top
                if top.table_header is not None or not earlier
                else candidates[max(earlier, key=lambda i: scores[i])]
            )
            continued = [
                i
                for i in earlier
                if (candidates[i].hit, candidates[i].table_header) == (lead.hit, lead.table_header)
            ]
        if continued:  # first, and the only rows of their table quoted
            best = max(continued, key=lambda i: scores[i])
            scores[best] = max(scores) + 0.01
            order = [best, *(i for i in order if i != best)]
        covers = catch_all(
            assessment.entities,
            self._vectors,
            [first_cell(c.sentence) for c in candidates if c.table_header is not None],
        )
        if assessment.entities and keyed_by_names(candidates, order[0], covers):
            # "the allowance in Vietnam" and a table of countries without it (or an "any
            # other country" row): its neighbour's row would be a wrong answer
            return self._refusal(not_mentioned(assessment.entities), confidence)
        chosen = self._choose(
            question, hits, candidates, texts, vectors, scores, order, vocabulary, held
        )
        kind = answer_type(question)
        if kind in (AnswerType.duration, AnswerType.number) and not (held or picks_rows):
            # "how long is parental leave?" answered by a sentence: the table of its document
            # whose column is the leave asked about lists every case (a row named is its own)
            typed = partial(matches_type, kind=kind)
            chosen += column_rows(candidates, order[0], chosen, own, typed, stems_of)
        if continued:
            quoted = (candidates[continued[0]].hit, candidates[continued[0]].table_header)
            chosen = [
                *(i for i in chosen if (candidates[i].hit, candidates[i].table_header) != quoted),
                *continued,
            ]
        return render(self.name, hits, candidates, chosen, confidence)

    def _choose(
        self,
        question: str,
        hits: list[SearchHit],
        candidates: list[Candidate],
        texts: list[str],
        vectors: Vectors,
        scores: list[float],
        order: list[int],
        vocabulary: Vocabulary,
        held: set[int],
    ) -> list[int]:
        best = scores[order[0]]
        # the best sentence's document answers (each part of a multi-part question may
        # bring its own, below)
        top = candidates[order[0]]
        # when the best sentence is a table's row, rows of tables are other cases; under a
        # sentence, the rows of its own passage are the table it introduces
        rows_rival = top.table_header is not None
        chosen = [
            i
            for i in order[: self.max_sentences]
            if candidates[i].document == top.document
            and scores[i]
            >= (
                CLOSE_ROW
                if candidates[i].table_header and (rows_rival or candidates[i].hit != top.hit)
                else CLOSE
            )
            * best
        ]
        chosen += [i for i in run_on(candidates, order[0], hits) if i not in chosen]
        # a sentence of another document that scores as well as the best: either may be the
        # answer, and the asker sees both
        rival = next((i for i in order[1:] if candidates[i].document != top.document), None)
        if rival is not None and scores[rival] >= TIED * best:
            chosen.append(rival)
        parts = question_parts(question)
        picked: set[int] = set()  # what each part of a multi-part question asked for stays
        if len(parts) > 1:
            context = " ".join(content_terms(parts[0]))
            for part in parts:  # the first too: the best sentence may answer another part
                # a part with words of its own stands alone; "and by when?" leans on the first
                query = part if len(content_terms(part)) >= 2 else f"{part} {context}"
                terms = self.answerability.term_stems(part, vocabulary)
                kind = answer_type(part)
                sims = vectors @ self._vectors.query(query)
                part_scores = [
                    score_sentence(self.keyword_share, c, t, float(s), terms, set(), kind, [], 1)
                    for c, t, s in zip(candidates, texts, sims, strict=True)
                ]
                pick = int(np.argmax(part_scores))
                cited = {candidates[i].document for i in chosen}
                if candidates[pick].document not in cited and (
                    len(content_terms(part)) < 2 or not part_asks(part, question)
                ):
                    # a fragment ("what's the limit?") or a part that tells the situation
                    # ("someone joins my team next month") does not open a new source
                    continue
                picked.add(pick)
                if pick not in chosen:
                    chosen.append(pick)
        # the row an amount falls under stays, whatever words its neighbours share
        asked = self.answerability.term_stems(question, vocabulary)
        chosen = rows_asked_for(question, asked, candidates, chosen, picked | held)
        # the best sentence's document first (its citation is [1], the topic a follow-up
        # carries), then the others by their best sentence; each in reading order
        rank: dict[str, int] = {}
        for i in order:
            rank.setdefault(candidates[i].document, len(rank))
        chosen.sort(
            key=lambda i: (rank[candidates[i].document], candidates[i].hit, candidates[i].position)
        )
        return chosen
