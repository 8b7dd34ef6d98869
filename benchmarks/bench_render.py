"""Rendering speed: posts per second for typical 1-5 KB Markdown posts.

Run ``.venv/bin/python benchmarks/bench_render.py`` (``--help`` for options). It builds
``--posts`` (500) posts from a fixed seed, each 1 to 5 KB of the Markdown a support forum
sees (paragraphs with emphasis, inline code, links and @mentions, lists, a fenced code
block, sometimes a quote, a table or an image), and times, best of ``--runs`` (5):

* ``render_markdown`` with the default options (images off), and with ``images=True``;
* ``content_stats``;
* ``render_plain`` on the same text;
* the two halves of ``render_markdown`` on their own: the markdown-it parse and render,
  and the nh3 clean of its output, to show where the time goes.

Then the time of a few adversarial inputs at the default body length cap (30,000
characters), the worst cases known for the parser. The script always exits 0: it is a
report, not a gate.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from socialcrm.render import (
    Renderer,
    RenderOptions,
    content_stats,
    render_markdown,
    render_plain,
)
from socialcrm.settings import Settings

WORDS = (
    "invoice billing account export report dashboard login password reset user team plan "
    "upgrade refund payment card error timeout sync import customer support ticket email "
    "the a to of and in for with on is it this that we you can not when after before"
).split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    for _ in range(rng.randint(0, 2)):
        index = rng.randrange(len(words))
        words[index] = rng.choice(
            (
                f"**{words[index]}**",
                f"*{words[index]}*",
                f"`{words[index]}()`",
                f"@user{rng.randint(1, 500)}",
                f"[{words[index]}](https://example.com/docs/{rng.randint(1, 99)})",
            )
        )
    return " ".join(words).capitalize() + rng.choice(".?!")


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def _block(rng: random.Random) -> str:
    kind = rng.choices(
        ("paragraph", "list", "code", "quote", "table", "image", "heading"),
        weights=(10, 3, 2, 1, 1, 1, 1),
    )[0]
    if kind == "list":
        marker = rng.choice(("-", "1."))
        return "\n".join(f"{marker} {_sentence(rng)}" for _ in range(rng.randint(2, 6)))
    if kind == "code":
        lines = [
            f"    result = client.{rng.choice(WORDS)}(id={n})" for n in range(rng.randint(3, 12))
        ]
        return "```python\ndef example():\n" + "\n".join(lines) + "\n```"
    if kind == "quote":
        return "> " + _paragraph(rng)
    if kind == "table":
        rows = [
            f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {rng.choice(WORDS)} |"
            for _ in range(5)
        ]
        return "| name | count | note |\n|:--|--:|---|\n" + "\n".join(rows)
    if kind == "image":
        shot = rng.randint(1, 999)
        return f"![screenshot {shot}](https://example.com/shots/{shot}.png)"
    if kind == "heading":
        return "## " + _sentence(rng)
    return _paragraph(rng)


def make_posts(count: int, seed: int) -> list[str]:
    """``count`` posts of 1 to 5 KB each, the same for the same seed."""
    rng = random.Random(seed)
    posts = []
    for _ in range(count):
        target = rng.randint(1024, 5120)
        blocks: list[str] = []
        while sum(len(b) + 2 for b in blocks) < target:
            blocks.append(_block(rng))
        posts.append("\n\n".join(blocks)[:target])
    return posts


def best_rate(
    function: Callable[[str], object], posts: list[str], runs: int
) -> tuple[float, list[float]]:
    """Posts per second of the best run, and every run's rate."""
    for post in posts[:20]:
        function(post)  # warm-up
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for post in posts:
            function(post)
        rates.append(len(posts) / (time.perf_counter() - start))
    return max(rates), rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=500, help="posts per run (default 500)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    args = parser.parse_args()

    posts = make_posts(args.posts, args.seed)
    sizes = sorted(len(p.encode("utf-8")) for p in posts)
    mean_kb = sum(sizes) / len(sizes) / 1024
    print(
        f"== socialcrm.render: {len(posts)} posts, {sizes[0]:,}-{sizes[-1]:,} bytes "
        f"(mean {mean_kb:.1f} KB), best of {args.runs} runs =="
    )

    renderer = Renderer()
    # The two halves of Renderer.render, to show where the time goes.
    md = renderer._parser
    cleaner = renderer._cleaner
    raw_html = {post: md.render(post) for post in posts}

    measurements: list[tuple[str, Callable[[str], object]]] = [
        ("render_markdown(text)", render_markdown),
        ("render_markdown(text, images=True)", lambda t: render_markdown(t, images=True)),
        ("content_stats(text)", content_stats),
        ("render_plain(text)", render_plain),
        ("  markdown-it parse + render only", md.render),
        ("  nh3 clean of that HTML only", lambda t: cleaner.clean(raw_html[t])),
    ]
    for label, function in measurements:
        rate, rates = best_rate(function, posts, args.runs)
        runs = ", ".join(f"{r:,.0f}" for r in rates)
        print(
            f"  {label:38} {rate:8,.0f} posts/s  ({1000 / rate:.3f} ms/post, "
            f"{rate * mean_kb / 1024:.1f} MB/s; runs: {runs})"
        )

    cap = Settings().body_max_length
    print(f"\n== adversarial input at the default body cap ({cap:,} characters), one call each ==")
    unlimited = Renderer(RenderOptions(max_length=None))
    adversarial = {
        "'![' repeated": "![" * (cap // 2),
        "'[' repeated": "[" * cap,
        "'[a](' repeated": ("[a](" * cap)[:cap],
        "'*a ' repeated": ("*a " * cap)[:cap],
        "'<' repeated": "<" * cap,
        "table rows": ("|a|b|\n|-|-|\n" + "|x|y|\n" * cap)[:cap],
        "'> ' nesting": "> " * (cap // 2),
    }
    for label, text in adversarial.items():
        start = time.perf_counter()
        unlimited.render(text)
        print(f"  {label:20} {(time.perf_counter() - start) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
