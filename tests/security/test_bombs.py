"""Bad input and resource bombs, sent as an attacker would, to a real API on loopback.

Zip bombs in every OOXML format (plain, lying headers, nested, too many members,
entity expansion), YAML front matter that expands (aliases, merge keys, self-reference,
depth, size), JSON nested past the recursion limit on every JSON route, a document that
costs minutes of CPU, and an embeddings request with thousands of inputs.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from colonnade.knowledge.embedders import MiniLMEmbedder
from tests.api.conftest import Api, start_api

BOMB_BYTES = 40 * 1024 * 1024  # inflates 40 MiB from about 40 KiB


def _office(kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "docx":
        import docx

        d = docx.Document()
        d.add_heading("Travel policy", 1)
        d.add_paragraph("Hotels in Lisbon are booked through the travel desk.")
        d.save(out)
    elif kind == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["city", "hotel limit"])
        sheet.append(["Lisbon", 140])
        book.save(out)
    else:
        import pptx

        deck = pptx.Presentation()
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        assert slide.shapes.title is not None
        slide.shapes.title.text = "Travel"
        slide.placeholders[1].text = "Hotels in Lisbon are booked through the travel desk."
        deck.save(out)
    return out.getvalue()


MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/worksheets/sheet1.xml",
    "pptx": "ppt/slides/slide1.xml",
}


def rezip(
    base: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = replace.get(info.filename, src.read(info))
            dst.writestr(info.filename, data, zipfile.ZIP_DEFLATED, 9)
        for name, data in add.items():
            dst.writestr(name, data, zipfile.ZIP_DEFLATED, 9)
    return out.getvalue()


def inflating(kind: str, size: int = BOMB_BYTES) -> bytes:
    """A well-formed package whose main XML part is padded with whitespace to ``size``."""
    base = _office(kind)
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        xml = z.read(MAIN_PART[kind])
    cut = xml.rindex(b"</")
    padded = xml[:cut] + b" " * size + xml[cut:]
    return rezip(base, {MAIN_PART[kind]: padded})


def declare(
    data: bytes, member: str, *, file_size: int | None = None, crc: int | None = None
) -> bytes:
    """Rewrite what the local header and the central directory say about ``member``."""
    buf = bytearray(data)
    name = member.encode()
    pos = 0
    while (pos := buf.find(b"PK\x01\x02", pos)) != -1:
        length = struct.unpack_from("<H", buf, pos + 28)[0]
        if bytes(buf[pos + 46 : pos + 46 + length]) == name:
            local = struct.unpack_from("<I", buf, pos + 42)[0]
            for at, size_at, crc_at in ((pos, 24, 16), (local, 22, 14)):
                if file_size is not None:
                    struct.pack_into("<I", buf, at + size_at, file_size)
                if crc is not None:
                    struct.pack_into("<I", buf, at + crc_at, crc)
        pos += 4
    return bytes(buf)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbedder) -> Iterator[Api]:
    yield from start_api(
        tmp_path_factory.mktemp("bombs"),
        minilm,
        ingestion={"max_seconds_per_document": 2, "max_chunks_per_document": 400},
        security={"limits": {"tokens": {"tenant": "3000/minute"}}, "cache": {"enabled": False}},
    )


def upload(api: Api, name: str, data: bytes, **form: str) -> httpx.Response:
    """The attack file beside an ordinary one: the batch goes on, the attack is reported."""
    with api.client() as c:
        return c.post(
            "/v1/documents",
            files=[("files", (name, data)), ("files", ("companion.md", COMPANION))],
            data={"collection": "attack", **form},
        )


COMPANION = b"# Companion\n\nThe canteen opens at eight."


def refused(r: httpx.Response, reason: str, *words: str) -> str:
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["added"] + body["updated"] + body["skipped"] == 1  # the companion went in
    assert [f["reason"] for f in body["failed"]] == [reason], body["failed"]
    message: str = body["failed"][0]["message"]
    for word in words:
        assert word in message, message
    return message


# -- zip bombs ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "xlsx", "pptx"])
def test_a_zip_bomb_in_every_office_format_is_refused_before_parsing(api: Api, kind: str) -> None:
    genuine = upload(api, f"genuine.{kind}", _office(kind))
    assert genuine.status_code == 201, genuine.text
    r = upload(api, f"bomb.{kind}", inflating(kind))
    refused(r, "too_large", "decompression bomb", "max_zip_ratio")


def test_a_bomb_whose_headers_claim_a_small_size_fails(api: Api) -> None:
    bomb = inflating("docx")
    # the headers claim 4 KiB: a reader that trusted them would inflate 40 MiB anyway
    lying = declare(bomb, "word/document.xml", file_size=4096)
    r = upload(api, "lying.docx", lying)
    assert r.status_code == 201 and r.json()["failed"][0]["reason"] in ("corrupt", "too_large")
    # and with the checksum of the 4 KiB prefix forged too, it is still no document
    with zipfile.ZipFile(io.BytesIO(bomb)) as z, z.open("word/document.xml") as part:
        prefix = part.read(4096)

    forged = declare(bomb, "word/document.xml", file_size=4096, crc=zlib.crc32(prefix))
    r = upload(api, "forged.docx", forged)  # 4 KiB of truncated XML: unreadable, not inflated
    assert r.status_code == 201
    assert r.json()["failed"][0]["reason"] in ("corrupt", "too_large", "parse_error")


def test_a_bomb_spread_thinly_over_many_members_is_refused(api: Api) -> None:
    many = {f"customXml/bulk{i}.xml": b"<a/>" for i in range(6000)}
    r = upload(api, "members.docx", rezip(_office("docx"), add=many))
    refused(r, "too_large", "archive members, over 5,000", "max_zip_members")


def test_a_bomb_nested_inside_an_embedded_workbook_is_refused(api: Api) -> None:
    inner = rezip(_office("xlsx"), add={"xl/padding.xml": b" " * BOMB_BYTES})
    outer = rezip(_office("docx"), add={"word/embeddings/Microsoft_Excel_Sheet1.xlsx": inner})
    refused(upload(api, "nested.docx", outer), "too_large", "inflates")


def test_an_entity_expansion_bomb_in_office_xml_is_refused(api: Api) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lol">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8)
        )
        + b"]>"
    )
    base = _office("docx")
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        xml = z.read("word/document.xml")
    body = xml.split(b"?>", 1)[1].replace(b"Hotels in Lisbon", b"&i; Hotels in Lisbon")
    r = upload(api, "laughs.docx", rezip(base, {"word/document.xml": laughs + body}))
    refused(r, "corrupt", "entities")


# -- YAML front matter -----------------------------------------------------------------------

ALIAS_BOMB = "\n".join(
    ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    + ["---", "# Notes", "", "Ordinary text."]
)


def test_a_yaml_alias_bomb_in_front_matter_is_refused(api: Api) -> None:
    assert len(ALIAS_BOMB) < 600
    with api.client() as c:
        alone = c.post("/v1/documents", files={"files": ("bomb.md", ALIAS_BOMB.encode())})
    assert alone.status_code == 422 and "front matter expands" in alone.json()["detail"]
    r = upload(api, "bomb.md", ALIAS_BOMB.encode())
    refused(r, "bad_metadata", "front matter expands", "max_metadata_nodes")
    with api.client() as c:
        listed = c.get("/v1/documents", params={"collection": "attack"})
        assert len(listed.content) < 200_000
        assert all(d["title"] != "Notes" for d in listed.json())


@pytest.mark.parametrize(
    ("front", "words"),
    [
        # merge keys double a mapping per level: 2^24 entries before a dict collapses them
        (
            "k0: &k0 {x: 1}\n"
            + "\n".join(f"k{i}: &k{i} {{<<: [*k{i - 1}, *k{i - 1}]}}" for i in range(1, 25)),
            "expands",
        ),
        ("loop: &loop [1, *loop]", "refers to itself"),
        ("deep: " + "[" * 3000 + "]" * 3000, "deep"),
        ("deep: " + "{a: " * 40 + "1" + "}" * 40, "max_metadata_depth"),
        ("\n".join(f"key{i}: {'v' * 200}" for i in range(600)), "max_metadata_bytes"),
    ],
    ids=["merge-keys", "self-reference", "recursion", "depth", "size"],
)
def test_other_front_matter_expansion_tricks_are_refused(api: Api, front: str, words: str) -> None:
    doc = f"---\n{front}\n---\n# Notes\n\nOrdinary text.\n"
    refused(upload(api, "tricks.md", doc.encode()), "bad_metadata", words)


def test_a_refused_version_leaves_the_stored_one_intact(api: Api) -> None:
    first = upload(api, "kept.md", b"---\nowner: finance\n---\n# Kept\n\nThe first version.\n")
    assert first.status_code == 201
    doc = first.json()["documents"][0]
    refused(upload(api, "kept.md", ALIAS_BOMB.encode()), "bad_metadata")
    with api.client() as c:
        again = c.get(f"/v1/documents/{doc['id']}").json()
    assert again["metadata"] == {"owner": "finance"} and again["title"] == "Kept"


# -- JSON nested past the recursion limit ----------------------------------------------------

DEEP = "[" * 50_000 + "]" * 50_000


def test_upload_metadata_nested_50000_deep_is_a_422_that_says_what_to_fix(api: Api) -> None:
    with api.client() as c:
        r = c.post(
            "/v1/documents",
            files={"files": ("note.md", b"# Note\n\nText.")},
            data={"metadata": '{"x": ' + DEEP + "}"},
        )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "levels deep" in r.json()["detail"] and "flatten" in r.json()["detail"]
    big = json.dumps({f"k{i}": "v" * 100 for i in range(1000)})
    with api.client() as c:
        r = c.post(
            "/v1/documents",
            files={"files": ("note.md", b"# Note\n\nText.")},
            data={"metadata": big},
        )
    assert r.status_code == 422 and "max_metadata_bytes" in r.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/answers", '{"question": "leave?", "filters": ' + DEEP + "}"),
        ("/v1/search", '{"query": "leave", "filters": {"metadata": ' + DEEP + "}}"),
        ("/v1/predictions", DEEP),
        (
            "/v1/answers",
            '{"question": "' + "[" * 1000 + '", "x": ' + '{"a":' * 5000 + "1" + "}" * 5000 + "}",
        ),
    ],
    ids=["answers", "search", "predictions", "objects"],
)
def test_deep_json_on_other_routes_is_a_problem_not_a_500(api: Api, path: str, body: str) -> None:
    with api.client() as c:
        r = c.post(path, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "too_deep" and "api.max_json_depth" in r.json()["detail"]
        # brackets inside strings are text, not nesting
        ok = c.post("/v1/search", json={"query": "[[[[" * 100 + " leave"})
        assert ok.status_code == 200


def test_deep_json_on_the_openai_routes_is_an_openai_error(api: Api) -> None:
    client = openai.OpenAI(base_url=f"{api.url}/v1", api_key=api.key, max_retries=0)
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(
            model="embeddings", input="x", extra_body={"user": json.loads("[" * 100 + "]" * 100)}
        )
    assert "max_json_depth" in str(caught.value)


def test_a_deep_sidecar_file_fails_its_document_alone(tmp_path: Path, api: Api) -> None:
    from colonnade.knowledge.sources import FolderSource

    (tmp_path / "a.md").write_text("# A\n\nFirst.")
    (tmp_path / "b.md").write_text("# B\n\nSecond.")
    (tmp_path / "b.md.meta.json").write_text('{"x": ' + DEEP + "}")
    exclude = api.container.settings.ingestion.exclude
    report = api.container.ingestor.ingest(FolderSource(tmp_path, exclude=exclude), "sidecars")
    assert report.added == 1
    assert [(f.reason, "levels" in f.message) for f in report.failed] == [("bad_metadata", True)]


# -- processing budget -----------------------------------------------------------------------


def many_paragraphs(n: int) -> bytes:
    base = _office("docx")
    with zipfile.ZipFile(io.BytesIO(base)) as z:
        xml = z.read("word/document.xml")
    cut = xml.index(b"<w:sectPr")
    paras = b"".join(b"<w:p><w:r><w:t>p%d</w:t></w:r></w:p>" % i for i in range(n))
    return rezip(base, {"word/document.xml": xml[:cut] + paras + xml[cut:]})


def test_a_tiny_docx_that_costs_minutes_fails_alone_within_its_budget(api: Api) -> None:
    heavy = many_paragraphs(20_000)
    assert len(heavy) < 100_000
    with api.client() as c:
        r = c.post(
            "/v1/documents",
            files=[
                ("files", ("heavy.docx", heavy)),
                ("files", ("light.md", b"# Light\n\nThe canteen opens at eight.")),
                ("files", ("small.docx", _office("docx"))),
            ],
            data={"collection": "budget"},
        )
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["added"] == 2
        [failed] = body["failed"]
        assert failed["reason"] == "over_budget"
        assert "max_seconds_per_document" in failed["message"]
        names = {d["source_uri"].rsplit("/", 1)[-1] for d in body["documents"]}
        assert names == {"light.md", "small.docx"}
        listed = c.get("/v1/documents", params={"collection": "budget"}).json()
        assert len(listed) == 2
        hits = c.post("/v1/search", json={"query": "when does the canteen open"}).json()
        assert any("canteen" in h["text"] for h in hits["hits"])


def test_a_document_that_makes_too_many_chunks_fails_alone(api: Api) -> None:
    # chunks never cross a heading: a thousand one-line sections make a thousand chunks
    text = "\n\n".join(f"# Section {i}\n\nLine {i}." for i in range(1000))
    r = upload(api, "long.md", text.encode())
    refused(r, "over_budget", "max_chunks_per_document")


# -- embeddings ------------------------------------------------------------------------------


def test_embeddings_cap_inputs_per_request_in_openais_shape(api: Api) -> None:
    client = openai.OpenAI(base_url=f"{api.url}/v1", api_key=api.key, max_retries=0)
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(model="embeddings", input=["leave"] * 2000)
    assert "api.max_embedding_inputs" in str(caught.value)
    ok = client.embeddings.create(model="embeddings", input=["leave"] * 10)
    assert len(ok.data) == 10


def test_embedding_tokens_count_against_the_token_limit(api: Api) -> None:
    client = openai.OpenAI(base_url=f"{api.url}/v1", api_key=api.key, max_retries=0)
    with api.client() as c:
        before = {u["limit"]: u["remaining"] for u in c.get("/v1/usage").json()["limits"]}
        client.embeddings.create(model="embeddings", input=["annual leave policy"] * 20)
        after = {u["limit"]: u["remaining"] for u in c.get("/v1/usage").json()["limits"]}
    spent = [before[k] - after[k] for k in before if "token" in k]
    assert spent and max(spent) >= 20
    long_text = "word " * 200
    with pytest.raises(openai.RateLimitError):
        client.embeddings.create(model="embeddings", input=[long_text] * 200)
