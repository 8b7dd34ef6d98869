"""socialcrm.render: Markdown and plain text to HTML that is safe to put in a page."""

from __future__ import annotations

import html
import json
import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import socialcrm.render as render_package
from socialcrm import ValidationError
from socialcrm.render import (
    ContentStats,
    Renderer,
    RenderOptions,
    SafeHTML,
    content_stats,
    render_markdown,
    render_plain,
)
from socialcrm.render.sanitizer import allowed_tags, build_cleaner

PAYLOADS_FILE = Path(__file__).parent / "data" / "xss_payloads.jsonl"
PAYLOADS = [
    json.loads(line)
    for line in PAYLOADS_FILE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]

# ---------------------------------------------------------------- the safety check

FORBIDDEN_ELEMENTS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "form", "input", "button", "select", "textarea", "meta", "link", "base", "svg",
        "math", "template", "noscript", "video", "audio", "source", "bgsound",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "background", "dynsrc", "lowsrc", "data",
        "poster", "xlink:href", "srcset", "cite", "codebase", "longdesc", "ping", "usemap",
        "manifest", "classid", "archive", "icon", "profile", "srcdoc",
    }
)  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


class _Elements(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser-like parser sees it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.oddities: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.oddities.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.oddities.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.oddities.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.oddities.append(f"declaration {data!r}")


def _url_forms(value: str) -> set[str]:
    """The value as a browser may read it: unescaped, without white space and control
    characters, lowercased; also once percent-decoded."""
    readings = set()
    for candidate in (value, html.unescape(value)):
        for decoded in (candidate, unquote(candidate)):
            readings.add(_IGNORED_IN_URLS.sub("", decoded).lower())
    return readings


def unsafe_parts(output: str, allowed_tags: frozenset[str] | None = None) -> list[str]:
    """Everything in ``output`` that could run script or restyle the page; ``[]`` if safe."""
    parser = _Elements()
    parser.feed(output)
    parser.close()
    problems = list(parser.oddities)
    for tag, attributes in parser.elements:
        if tag in FORBIDDEN_ELEMENTS:
            problems.append(f"<{tag}> element")
        if allowed_tags is not None and tag not in allowed_tags:
            problems.append(f"<{tag}> is not in the allowlist")
        for name, value in attributes:
            if name.startswith("on"):
                problems.append(f"event handler {name}= on <{tag}>")
            if name == "style":
                problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                for reading in _url_forms(value):
                    if reading.startswith(DANGEROUS_SCHEMES):
                        problems.append(f"{name}={value!r} on <{tag}>")
    return problems


def test_the_safety_check_catches_what_it_looks_for() -> None:
    # The check itself must fail on unsafe HTML, or every test below proves nothing.
    assert unsafe_parts("<p>fine <a href='/x'>x</a></p>") == []
    for bad in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        "<a href='vbscript:x'>x</a>",
        "<a href='data:text/html,x'>x</a>",
        "<a href='java%0ascript:x'>x</a>",
        "<p style='color:red'>x</p>",
        "<iframe></iframe>",
        "<form action='/x'></form>",
        "<meta http-equiv=refresh>",
        "<!-- comment -->",
    ):
        assert unsafe_parts(bad), bad
    assert unsafe_parts("<blink>x</blink>", frozenset({"p"}))


# ---------------------------------------------------------------- XSS payloads

RENDERERS = {
    "default": Renderer(),
    "images": Renderer(RenderOptions(images=True)),
    "everything": Renderer(
        RenderOptions(images=True, top_heading_level=1, line_breaks=True, max_length=None)
    ),
}


def test_the_payload_corpus_is_large() -> None:
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS), "duplicate payloads"


@pytest.mark.parametrize("renderer_name", sorted(RENDERERS))
@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_xss_payloads_render_to_safe_html(payload: str, renderer_name: str) -> None:
    renderer = RENDERERS[renderer_name]
    output = renderer.render(payload)
    assert unsafe_parts(output, renderer.allowed_tags) == [], output


@pytest.mark.parametrize("images", [False, True])
def test_the_sanitizer_alone_stops_every_payload_as_raw_html(images: bool) -> None:
    # The parser already escapes raw HTML; the allowlist is the second wall and must hold
    # by itself, should a parser bug or a future option ever let HTML through.
    options = RenderOptions(images=images)
    cleaner = build_cleaner(options)
    for payload in PAYLOADS:
        output = cleaner.clean(payload)
        assert unsafe_parts(output, allowed_tags(options)) == [], (payload, output)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_xss_payloads_as_plain_text_render_to_safe_html(payload: str) -> None:
    output = render_plain(payload)
    assert unsafe_parts(output, frozenset({"p", "br"})) == [], output


def test_raw_html_is_shown_as_text_not_interpreted() -> None:
    output = render_markdown('<img src=x onerror="alert(1)"> and <b>bold</b>')
    assert output == ('<p>&lt;img src=x onerror="alert(1)"&gt; and &lt;b&gt;bold&lt;/b&gt;</p>\n')


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java%09script:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
    ],
)
def test_links_with_a_disallowed_scheme_are_not_links(source: str) -> None:
    output = render_markdown(source)
    assert "<a" not in output
    assert content_stats(source).links == 0


# ---------------------------------------------------------------- properties

HTMLISH = st.sampled_from(
    [
        "<", ">", "</", "/>", '"', "'", "`", "&", "&#", "&#x", ";", "=", "\n", "\n\n", "\t",
        "\x00", "\x01", " ", "<script>", "</script>", "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>", "<a href=", "javascript:", "JaVaScRiPt:", "vbscript:",
        "data:text/html,", "&#106;", "%0a", "java\tscript:", "onerror=", "style=",
        "[", "]", "(", ")", "![", "](", "<https://", "@", "*", "_", "~~", "#", ">", "|",
        "---", "```", "    ", "- ", "1. ", "\\", "[x]: ", "expression(", "<iframe>",
        "<style>", "<!--", "-->", "<![CDATA[", "<?", "<!DOCTYPE",
    ]
)  # fmt: skip
HTMLISH_TEXT = st.lists(
    st.one_of(HTMLISH, st.text(max_size=6), st.sampled_from(PAYLOADS)), max_size=30
).map("".join)


@given(text=st.text(max_size=400))
def test_any_text_renders_to_safe_html(text: str) -> None:
    for renderer in RENDERERS.values():
        assert unsafe_parts(renderer.render(text), renderer.allowed_tags) == []
    assert unsafe_parts(render_plain(text), frozenset({"p", "br"})) == []


@given(text=HTMLISH_TEXT)
def test_text_with_html_fragments_renders_to_safe_html(text: str) -> None:
    for renderer in RENDERERS.values():
        assert unsafe_parts(renderer.render(text), renderer.allowed_tags) == []
        stats = renderer.content_stats(text)
        assert stats.links == len(stats.link_urls)
    assert unsafe_parts(render_plain(text), frozenset({"p", "br"})) == []


@given(text=HTMLISH_TEXT)
def test_rendering_is_deterministic(text: str) -> None:
    assert render_markdown(text) == Renderer().render(text) == render_markdown(text)


# ---------------------------------------------------------------- Markdown features


def test_paragraphs_emphasis_and_code_render() -> None:
    output = render_markdown("Some *em*, **strong**, `code` and ~~struck~~.\n\nSecond.")
    assert output == (
        "<p>Some <em>em</em>, <strong>strong</strong>, <code>code</code> and "
        "<s>struck</s>.</p>\n<p>Second.</p>\n"
    )


def test_lists_blockquotes_rules_and_code_blocks_render() -> None:
    source = "> quoted\n\n- a\n- b\n\n3. three\n4. four\n\n---\n\n```python\nx = 1 < 2\n```\n"
    assert render_markdown(source) == (
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
        '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'
        "<hr>\n"
        '<pre><code class="language-python">x = 1 &lt; 2\n</code></pre>\n'
    )


def test_a_fence_language_that_is_not_a_plain_word_is_dropped() -> None:
    output = render_markdown('```py"><b\ncode\n```')
    assert output == "<pre><code>code\n</code></pre>\n"


def test_tables_render_with_alignment_but_no_style() -> None:
    output = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th align="left">a</th>' in output
    assert '<td align="center">2</td>' in output
    assert '<td align="right">3</td>' in output
    assert "style" not in output


def test_links_get_rel_nofollow_ugc_noopener() -> None:
    output = render_markdown('[docs](https://example.com/docs "The docs") and <https://a.example>')
    assert output == (
        '<p><a href="https://example.com/docs" title="The docs" rel="nofollow ugc noopener">'
        'docs</a> and <a href="https://a.example" rel="nofollow ugc noopener">'
        "https://a.example</a></p>\n"
    )


def test_relative_and_mailto_links_are_allowed() -> None:
    output = render_markdown("[faq](/faq#billing) [up](../x) <help@example.com>")
    assert 'href="/faq#billing"' in output
    assert 'href="../x"' in output
    assert 'href="mailto:help@example.com"' in output


def test_link_rel_and_url_schemes_can_be_configured() -> None:
    renderer = Renderer(RenderOptions(link_rel="nofollow", url_schemes={"https"}))
    output = renderer.render("[a](https://a.example) [b](http://b.example) [c](mailto:c@x.y)")
    assert output == (
        '<p><a href="https://a.example" rel="nofollow">a</a> '
        "[b](http://b.example) [c](mailto:c@x.y)</p>\n"
    )


@pytest.mark.parametrize("scheme", ["javascript", "JavaScript:", "vbscript", "data", "file"])
def test_dangerous_schemes_cannot_be_allowed(scheme: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RenderOptions(url_schemes={"https", scheme})
    assert caught.value.field == "url_schemes"


def test_bare_urls_and_mentions_stay_text() -> None:
    assert render_markdown("see https://example.com @ada") == (
        "<p>see https://example.com @ada</p>\n"
    )


def test_line_breaks_option_turns_newlines_into_br() -> None:
    assert render_markdown("a\nb") == "<p>a\nb</p>\n"
    assert Renderer(RenderOptions(line_breaks=True)).render("a\nb") == "<p>a<br>\nb</p>\n"


# ---------------------------------------------------------------- images


def test_images_are_shown_as_their_alt_text_by_default() -> None:
    output = render_markdown("Look: ![a *cat* <3](https://example.com/cat.png)")
    assert output == "<p>Look: a cat &lt;3</p>\n"
    assert "img" not in Renderer().allowed_tags


def test_images_are_kept_when_allowed() -> None:
    output = render_markdown('![a cat](https://example.com/cat.png "Tom")', images=True)
    assert output == '<p><img src="https://example.com/cat.png" alt="a cat" title="Tom"></p>\n'


def test_image_src_can_rewrite_or_refuse_images() -> None:
    def through_proxy(src: str) -> str | None:
        if src.startswith("https://trusted.example/"):
            return "/img-proxy?url=" + src
        return None

    renderer = Renderer(RenderOptions(images=True, image_src=through_proxy))
    output = renderer.render(
        "![ok](https://trusted.example/a.png) ![no](https://other.example/b.png)"
    )
    assert output == (
        '<p><img src="/img-proxy?url=https://trusted.example/a.png" alt="ok"> no</p>\n'
    )


def test_data_urls_are_never_images() -> None:
    output = render_markdown("![x](data:image/png;base64,iVBORw0KGgo=)", images=True)
    assert "<img" not in output


# ---------------------------------------------------------------- headings


def test_headings_start_at_h2_so_a_post_never_holds_h1() -> None:
    output = render_markdown("# One\n## Two\n##### Five\n###### Six")
    assert output == "<h2>One</h2>\n<h3>Two</h3>\n<h6>Five</h6>\n<h6>Six</h6>\n"
    assert "h1" not in Renderer().allowed_tags


@pytest.mark.parametrize(("level", "expected"), [(1, "h1"), (3, "h3"), (6, "h6")])
def test_top_heading_level_is_configurable(level: int, expected: str) -> None:
    renderer = Renderer(RenderOptions(top_heading_level=level))
    assert renderer.render("# Title") == f"<{expected}>Title</{expected}>\n"


@pytest.mark.parametrize("level", [0, 7, True, "2"])
def test_top_heading_level_must_be_from_1_to_6(level: object) -> None:
    with pytest.raises(ValidationError):
        RenderOptions(top_heading_level=level)  # type: ignore[arg-type]


# ---------------------------------------------------------------- limits and errors


def test_text_longer_than_max_length_is_refused() -> None:
    renderer = Renderer(RenderOptions(max_length=10))
    assert renderer.render("x" * 10) == "<p>xxxxxxxxxx</p>\n"
    for call in (renderer.render, renderer.content_stats):
        with pytest.raises(ValidationError) as caught:
            call("x" * 11)
        assert caught.value.code == "too_long"
        assert caught.value.field == "text"


def test_max_length_none_accepts_long_text() -> None:
    renderer = Renderer(RenderOptions(max_length=None))
    assert renderer.render("y" * 60_000).startswith("<p>yyy")


def test_default_limit_is_above_the_default_body_length() -> None:
    from socialcrm import Settings

    assert render_markdown("z" * Settings().body_max_length)
    with pytest.raises(ValidationError):
        render_markdown("z" * 50_001)


@pytest.mark.parametrize("value", [None, b"bytes", 3])
def test_text_must_be_a_string(value: object) -> None:
    with pytest.raises(ValidationError):
        render_markdown(value)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        render_plain(value)  # type: ignore[arg-type]


def test_options_are_frozen() -> None:
    options = RenderOptions()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        options.images = True  # type: ignore[misc]
    assert attrs.evolve(options, images=True).images is True
    assert Renderer(options).options is options


def test_nul_characters_do_not_break_rendering() -> None:
    assert render_markdown("a\x00b") == "<p>a\ufffdb</p>\n"


# ---------------------------------------------------------------- threads


def test_one_renderer_can_be_shared_by_threads() -> None:
    renderer = Renderer(RenderOptions(images=True))
    sources = [
        f"# Post {n}\n\n**bold** [link](/t/{n}) ![i](/i/{n}.png) @user{n}" for n in range(200)
    ]
    expected = [renderer.render(source) for source in sources]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(renderer.render, sources)) == expected
        stats = list(pool.map(renderer.content_stats, sources))
    assert all(s.links == 1 and s.images == 1 and s.mentions == 1 for s in stats)


# ---------------------------------------------------------------- plain text


def test_render_plain_escapes_and_keeps_line_breaks() -> None:
    output = render_plain("  <b>Hi</b> & 'you'\r\nnext line\n\n\n  new paragraph\n")
    assert output == (
        "<p>&lt;b&gt;Hi&lt;/b&gt; &amp; &#x27;you&#x27;<br>\nnext line</p>\n<p>new paragraph</p>"
    )


def test_render_plain_of_blank_text_is_empty() -> None:
    assert render_plain(" \n\t ") == ""


# ---------------------------------------------------------------- SafeHTML


def test_output_is_safe_html_that_templates_do_not_escape_again() -> None:
    output = render_markdown("*hi*")
    assert isinstance(output, SafeHTML)
    assert isinstance(output, str)
    assert output.__html__() == "<p><em>hi</em></p>\n"
    assert isinstance(render_plain("hi"), SafeHTML)


def test_mixing_safe_html_with_other_text_drops_the_mark() -> None:
    mixed = render_markdown("*hi*") + "<script>"
    assert type(mixed) is str
    assert not hasattr(mixed, "__html__")


# ---------------------------------------------------------------- content stats


def test_content_stats_counts_links_images_and_mentions() -> None:
    source = (
        "Hi @Ada and @bob, see [the docs](https://example.com/docs), <https://a.example>\n"
        "and [the FAQ][faq]. ![chart](/chart.png) [![logo](/logo.png)](/home)\n\n"
        "[faq]: /faq\n"
    )
    assert content_stats(source) == ContentStats(
        links=4,
        images=2,
        mentions=2,
        link_urls=("https://example.com/docs", "https://a.example", "/faq", "/home"),
        image_urls=("/chart.png", "/logo.png"),
        mentioned=("Ada", "bob"),
    )


def test_content_stats_counts_images_even_when_they_are_not_shown() -> None:
    assert content_stats("![a](/a.png) ![b](/b.png)").images == 2
    assert Renderer(RenderOptions(images=True)).content_stats("![a](/a.png)").images == 1


def test_mentions_are_distinct_and_case_insensitive() -> None:
    stats = content_stats("@Ada @ada @ADA @bob @bob")
    assert stats.mentions == 2
    assert stats.mentioned == ("Ada", "bob")


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("@ada", ("ada",)),
        (
            '(@ada) [@bob] "@cy" @dee, @eve; @fay! @gus?',
            ("ada", "bob", "cy", "dee", "eve", "fay", "gus"),
        ),
        ("**@ada** _@bob_", ("ada", "bob")),
        ("@ada.lovelace.", ("ada.lovelace",)),
        ("@ada-l- and @bob_", ("ada-l", "bob_")),
        ("@Zoë @ユーザー", ("Zoë", "ユーザー")),
        ("mail ada@example.com or x.@bob or a/@cy", ()),
        ("@ @. @- @@ada", ()),
        ("`@ada` and\n\n    @bob in code\n\n```\n@cy\n```", ()),
        ("[@ada](/u/ada) <mailto:bob@example.com>", ()),
    ],
)
def test_mention_syntax(source: str, names: tuple[str, ...]) -> None:
    assert content_stats(source).mentioned == names


def test_bare_urls_and_raw_html_links_are_not_counted_as_links() -> None:
    stats = content_stats('https://example.com <a href="https://example.com">x</a>')
    assert stats.links == 0


def test_content_stats_of_plain_text_is_empty() -> None:
    assert content_stats("nothing here") == ContentStats()


# ---------------------------------------------------------------- documentation

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("name", render_package.__all__)
def test_public_render_names_have_docstrings(name: str) -> None:
    value = getattr(render_package, name)
    if not callable(value):
        return  # constants are documented by a #: comment and in docs/rendering.md
    assert (value.__doc__ or "").strip(), f"socialcrm.render.{name} has no docstring"


@pytest.mark.parametrize("name", [n for n in vars(Renderer) if not n.startswith("_")])
def test_renderer_members_have_docstrings(name: str) -> None:
    assert (getattr(Renderer, name).__doc__ or "").strip(), f"Renderer.{name} has no docstring"


@pytest.mark.parametrize("option", [f.name for f in attrs.fields(RenderOptions)])
def test_every_render_option_is_documented(option: str) -> None:
    assert f"`{option}`" in (DOCS / "rendering.md").read_text(encoding="utf-8")


def test_every_content_stats_field_is_documented() -> None:
    text = (DOCS / "rendering.md").read_text(encoding="utf-8")
    for field in attrs.fields(ContentStats):
        assert f"stats.{field.name}" in text, field.name
