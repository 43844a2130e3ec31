"""The pictures in a real browser: headless Chromium, driven by Playwright.

These tests open the backward_steps widget, draw_dot's picture of a model and draw_model's picture in
a 900 px wide page, as a notebook column shows them, and in an HTML export of a notebook. They need
Playwright (the ``test`` extra) and a Chromium on PATH: Debian's ``chromium`` package, since
Playwright's own browser download is not always possible (``.ci/run`` installs it with apt-get).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

import autograd.steps
import nn
from autograd import Value, backward_steps, draw_dot
from autograd.draw import short_name
from autograd.graph import reverse_topological
from autograd.layout import UNPACK

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the skip below says how to install it
    sync_playwright = None

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    sync_playwright is None or CHROMIUM is None,
    reason="needs Playwright and Chromium: pip install -e '.[test]' and apt-get install chromium "
    "(or put any Chromium on PATH as `chromium`)",
)
WIDTH = 900  # a notebook's column, about
PAGE = '<!doctype html><html><body style="margin:0"><div style="max-width:{}px">{}</div></body></html>'


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None and CHROMIUM is not None
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--headless"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": WIDTH, "height": 800})
    yield opened
    opened.close()


def network() -> tuple[Value, list[Value]]:
    """Notebook 3's one-neuron-per-layer network and its loss: a graph far wider than a column."""
    x = Value(0.5, label="x")
    w1, b1 = Value(-1.2, label="w(1)"), Value(0.3, label="b(1)")
    w2, b2 = Value(0.8, label="w(2)"), Value(-0.1, label="b(2)")
    a1 = (x * w1 + b1).sigmoid()
    a1.label = "a(1)"
    a2 = (a1 * w2 + b2).sigmoid()
    a2.label = "a(2)"
    loss = (a2 - Value(1.0, label="y")) ** 2
    loss.label = "C"
    for k, value in enumerate(reverse_topological(loss)):  # every value named, to find it in a frame
        value.label = value.label or f"v{k}"
    return loss, [w1, b1, w2, b2]


def mlp() -> tuple[Value, nn.MLP]:
    model = nn.MLP(2, [3, 1], seed=1)
    out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    out.label = "out"
    out.backward()
    return out, model


def widget_state(page: Page) -> dict[str, Any]:
    """What the widget shows: its caption, the label of the highlighted node, and whether that node
    lies within the part of the view that can be seen."""
    return page.evaluate(
        """() => {
        const view = document.querySelector(".valuegrad-view");
        const node = view.querySelector(".active");
        const seen = view.getBoundingClientRect(), box = node.getBoundingClientRect();
        return {
            caption: document.querySelector(".valuegrad-caption").textContent,
            active: node.querySelector("text").textContent,
            inView: box.left >= seen.left && box.right <= seen.right,
            play: document.querySelector(".valuegrad-play").textContent,
        };
    }"""
    )


def overflow(page: Page) -> dict[str, float]:
    """The page's scroll width and the widest picture's rendered width and right edge, in CSS px."""
    return page.evaluate(
        """() => {
        const boxes = [...document.querySelectorAll("svg, img")].map(e => e.getBoundingClientRect());
        return {
            page: document.documentElement.scrollWidth,
            widest: Math.max(...boxes.map(b => b.width)),
            right: Math.max(...boxes.map(b => b.right)),
            views: Math.max(0, ...[...document.querySelectorAll(".valuegrad-view")].map(
                v => v.getBoundingClientRect().right)),
        };
    }"""
    )


def test_the_widget_steps_with_next_previous_and_play_and_keeps_the_active_node_in_view(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(autograd.steps, "INTERVAL", 150)  # play quickly
    loss, parameters = network()
    steps = backward_steps(loss, parameters=parameters)
    n = len(steps)
    page.set_content(PAGE.format(WIDTH, steps.html()))

    def expect(k: int) -> None:
        state = widget_state(page)
        assert state["caption"].startswith(f"Step {k + 1} of {n}: ")
        label = steps.order[k].label
        assert state["active"] == label and label in state["caption"]
        assert state["inView"], f"step {k + 1}: the node {label!r} is out of view"

    expect(0)
    for k in range(1, n):
        page.click("button[data-step='1']")
        expect(k)
    page.click("button[data-step='1']")  # past the end: stays on the last step
    expect(n - 1)
    page.click("button[data-step='-1']")
    expect(n - 2)
    page.fill("input[type=range]", "0")
    expect(0)

    page.click(".valuegrad-play")
    assert widget_state(page)["play"].endswith("pause")
    caption = "document.querySelector('.valuegrad-caption')"
    play = "document.querySelector('.valuegrad-play')"
    page.wait_for_function(f"{caption}.textContent.startsWith('Step {n} ')")
    page.wait_for_function(f"{play}.textContent.endsWith('play')")
    expect(n - 1)  # played to the end, and stopped there

    page.fill("input[type=range]", "2")
    page.click(".valuegrad-play")
    page.wait_for_function(f"{caption}.textContent.startsWith('Step 4 ')")
    page.click(".valuegrad-play")  # pause
    paused = widget_state(page)["caption"]
    page.wait_for_timeout(600)
    assert widget_state(page)["caption"] == paused and widget_state(page)["play"].endswith("play")


def test_without_scripts_the_widget_shows_its_first_frame_whole(browser: Browser) -> None:
    loss, parameters = network()
    steps = backward_steps(loss, parameters=parameters)
    context = browser.new_context(java_script_enabled=False, viewport={"width": WIDTH, "height": 800})
    page = context.new_page()
    page.set_content(PAGE.format(WIDTH, steps.html()))
    image = page.locator(".valuegrad-view img")
    assert image.count() == 1 and image.evaluate("e => e.complete && e.naturalWidth > 0")  # it decodes
    assert page.locator(".valuegrad-caption").inner_text().startswith(f"Step 1 of {len(steps)}: ")
    assert not page.locator(".valuegrad-controls").is_visible()
    assert page.locator(".valuegrad-static").is_visible()
    sizes = overflow(page)
    assert sizes["page"] <= WIDTH and sizes["right"] <= WIDTH
    context.close()


def pictures() -> dict[str, str]:
    """Every kind of picture, as Jupyter gets it."""
    loss, parameters = network()
    out, model = mlp()
    demo = nn.MLP(2, [16, 16, 1], seed=1337)
    return {
        "steps": backward_steps(loss, parameters=parameters).html(),
        "draw_dot": draw_dot(loss, local_grads=True)._repr_image_svg_xml(),
        "model": draw_dot(out, parameters=model)._repr_image_svg_xml(),
        "draw_model": nn.draw_model(demo, [0.5, -0.3])._repr_image_svg_xml(),
    }


@pytest.mark.parametrize("kind", ["steps", "draw_dot", "model", "draw_model"])
def test_every_picture_fits_a_900_px_column(page: Page, kind: str) -> None:
    page.set_content(PAGE.format(WIDTH, pictures()[kind]))
    sizes = overflow(page)
    assert sizes["page"] <= WIDTH and sizes["views"] <= WIDTH
    if kind != "steps":  # the widget's frame may scroll inside its view; every other picture shrinks
        assert sizes["widest"] <= WIDTH and sizes["right"] <= WIDTH


def test_a_drawn_mlp_shows_every_parameter_name_inside_the_viewport(page: Page, tmp_path: Path) -> None:
    out, model = mlp()
    page.set_viewport_size({"width": WIDTH, "height": 1100})
    page.set_content(PAGE.format(WIDTH, draw_dot(out, parameters=model)._repr_image_svg_xml()))
    page.screenshot(path=tmp_path / "mlp.png")
    boxes = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("text")].map(
            t => [t.textContent, t.getBoundingClientRect().toJSON()]))"""
    )
    for name, _ in model.named_parameters():
        box = boxes[short_name(name)]
        assert box["left"] >= 0 and box["top"] >= 0, name
        assert box["right"] <= WIDTH and box["bottom"] <= 1100, name
        assert box["height"] >= 10, f"{name} is drawn {box['height']:.1f} px high, too small to read"


def test_the_script_unpacks_its_own_image_and_leaves_any_other_alone(page: Page) -> None:
    out, model = mlp()
    shown = draw_dot(out, parameters=model)._repr_mimebundle_()["text/html"]
    other = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="someone else\'s"/>'
    page.set_content(PAGE.format(WIDTH, shown + other + UNPACK))
    assert page.locator("svg").count() == 1 and page.locator("svg title").count() > 0  # tooltips
    assert page.locator("img").get_attribute("alt") == "someone else's"
    assert "null" not in page.inner_text("body")


@pytest.fixture(scope="module")
def exported() -> Any:
    """A notebook that draws a model, steps through its backward pass and draws a network, run."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from autograd import Value, backward_steps, draw_dot\nimport nn\n"
            "model = nn.MLP(2, [3, 1], seed=1)\nout = model([0.5, -1.0])\nout.backward()"
        ),
        nbformat.v4.new_code_cell("draw_dot(out, parameters=model)"),
        nbformat.v4.new_code_cell("backward_steps(out, max_nodes=None)"),
        nbformat.v4.new_code_cell("nn.draw_model(nn.MLP(2, [16, 16, 1], seed=1337), [0.5, -0.3])"),
    ]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    return notebook


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
@pytest.mark.parametrize("template", ["lab", "classic"])
def test_pictures_fit_the_column_of_a_notebook_exported_to_html(
    browser: Browser, exported: Any, tmp_path: Path, template: str, scripts: bool
) -> None:
    """nbconvert's export, as its two templates write it: with scripts, every picture is the SVG
    itself (its tooltips show on hover); without, an image; either way it fits its column."""
    exporter = pytest.importorskip("nbconvert").HTMLExporter(template_name=template)
    body, _ = exporter.from_notebook_node(exported)
    (tmp_path / "export.html").write_text(body)
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, java_script_enabled=scripts)
    page = context.new_page()
    page.goto((tmp_path / "export.html").as_uri())
    pictures = page.evaluate(
        """() => [...document.querySelectorAll("svg, img")].filter(e => !e.parentElement.closest("svg"))
        .map(e => ({tag: e.tagName.toLowerCase(), tips: e.querySelectorAll("title").length,
                    width: e.getBoundingClientRect().width, room: e.parentElement.clientWidth,
                    scrolls: !!e.closest(".valuegrad-view")}))"""
    )
    assert [p["tag"] for p in pictures] == ["svg" if scripts else "img"] * 3
    assert all(p["tips"] > 0 for p in pictures) == scripts
    for p in pictures:  # the widget's view may scroll a frame that would shrink too far
        assert p["scrolls"] or p["width"] <= p["room"] + 0.5, p
    sizes = overflow(page)
    assert sizes["page"] <= WIDTH and sizes["views"] <= WIDTH
    assert page.locator(".valuegrad-caption").inner_text().startswith("Step 1 of ")
    context.close()
