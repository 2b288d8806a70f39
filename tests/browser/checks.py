"""What the accessibility tests check, measured in the browser on the page as shown.

Each check returns a list of problems in words (empty when the page passes):

- `axe_violations`: axe-core's WCAG 2.0/2.1/2.2 A and AA rules, and its landmark rules (no two
  landmarks of one kind share a name; one banner, main and contentinfo).
- `page_checks`, in one round trip:
  - targets: every visible a, button, input, select, textarea and summary is at least 44 x 44
    CSS px. A checkbox or radio button is measured by its <label>, which is what a thumb taps;
    an element displayed `inline` by its largest line box (a link wrapped over two lines is two
    small targets, not one tall one). The one exception is WCAG 2.2's "inline" target: a link
    whose computed display is `inline`, whose nearest non-inline ancestor is a p, li, dd or td,
    and whose block holds letters or digits of its own outside any link (the link sits in
    running text, so its height is the line's). A link alone in its paragraph, in a heading,
    in a table cell without other words, or in a block of another kind must be 44 x 44 like
    any other control (pantry.css: `.links a` and its neighbours).
  - labels: every input (except hidden ones), select and textarea has a <label> with words.
  - errors announced: every visible error (.field-error, .note.error) sits in a live region
    (role alert or status, or aria-live), or is a field's message also said in a role="alert"
    summary on the page; a field marked aria-invalid means such a summary exists.
  - words, not colour alone: every coloured flag (.past, .soon, .badge, state-*, warning and
    error notes, field errors) carries letters or digits.
- `focus_visible`: the keyboard (Tab) reaches every visible focusable element (of a group of
  radio buttons, the checked one: arrow keys move within the group), and each one focused this
  way shows an outline of at least 2 px with 3:1 contrast against what is behind it, or a
  box-shadow it did not have unfocused.
- `reflow`: at 200 % zoom on a 360 px phone (a 180 px wide viewport) nothing scrolls sideways:
  the document is no wider than the viewport (tables may scroll inside their own .scroll box).
"""
from tests.browser.conftest import LANDMARKS, WCAG

MIN_TARGET = 44
ZOOMED = {"width": 180, "height": 370}  # a 360 x 740 phone at 200 %

_SHARED = r"""
const shown = (el) => {
  if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
  const box = el.getBoundingClientRect();
  if (box.width <= 1 || box.height <= 1) return false;           // .visually-hidden
  return box.right > 0 && box.bottom + scrollY > 0;                // not parked off screen (.skip)
};
const words = (text) => /[\p{L}\p{N}]/u.test(text || "");
const name = (el) => {
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
  return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> "${text.slice(0, 50)}"`;
};
"""

_PAGE_CHECKS = _SHARED + r"""
(minimum) => {
  const targets = [], labels = [], errors = [], colour = [];
  const inlineInText = (link) => {
    if (getComputedStyle(link).display !== "inline") return false;
    let block = link.parentElement;
    while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
    if (!block || !["P", "LI", "DD", "TD"].includes(block.tagName)) return false;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest("a") && words(node.data)) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("a[href], button, input, select, textarea, summary")) {
    if (el.type === "hidden") continue;
    let target = el;
    if (["checkbox", "radio"].includes(el.type)) target = el.closest("label") || el.labels[0] || el;
    if (!shown(target)) continue;
    if (el.tagName === "A" && inlineInText(el)) continue;
    const boxes = getComputedStyle(target).display === "inline" ? [...target.getClientRects()] : [target.getBoundingClientRect()];
    const width = Math.max(...boxes.map((box) => box.width)), height = Math.max(...boxes.map((box) => box.height));
    if (width < minimum - 0.5 || height < minimum - 0.5) {
      targets.push(`${name(el)} is ${Math.round(width)} x ${Math.round(height)} px`);
    }
  }
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    if (!el.labels.length || ![...el.labels].some((label) => words(label.textContent))) {
      labels.push(`${name(el)} (name=${el.name}) has no label`);
    }
  }
  const live = (el) => el.closest('[role=alert], [role=status], [aria-live]:not([aria-live=off])');
  const summaries = [...document.querySelectorAll("[role=alert]")].map((el) => el.innerText);
  for (const el of document.querySelectorAll(".field-error, .note.error")) {
    if (!shown(el) || live(el)) continue;
    const said = el.innerText.trim();
    if (el.matches(".field-error") && said && summaries.some((text) => text.includes(said))) continue;
    errors.push(`error "${said.slice(0, 60)}" is in no live region nor in a role=alert summary`);
  }
  if (document.querySelector("[aria-invalid=true]") && !summaries.some(words)) {
    errors.push("a field is marked invalid but no role=alert summary says so");
  }
  for (const el of document.querySelectorAll('.past, .soon, .badge, [class*="state-"], .note.warning, .note.error, .field-error')) {
    if (shown(el) && !words(el.innerText)) colour.push(`${name(el)} says nothing in words`);
  }
  return {targets, labels, errors, colour};
}
"""

_FOCUS_PREPARE = _SHARED + r"""
() => {
  const selector = "a[href], button, input, select, textarea, summary, [tabindex]";
  const tabStop = (el) => {  // Tab stops once in a group of radio buttons: on the checked one, or the first
    if (el.type !== "radio" || !el.name) return true;
    const group = [...el.form.querySelectorAll(`input[type=radio][name="${el.name}"]`)];
    return el.checked || (!group.some((radio) => radio.checked) && group[0] === el);
  };
  const found = [...document.querySelectorAll(selector)].filter((el) =>
    el.tabIndex >= 0 && !el.disabled && el.type !== "hidden" && shown(el) && tabStop(el));
  window.__unfocused = new Map(found.map((el) => {
    const style = getComputedStyle(el);
    return [el, {outline: style.outlineStyle + style.outlineWidth + style.outlineColor, shadow: style.boxShadow}];
  }));
  window.__focusOrder = found;
  return found.map(name);
}
"""

_FOCUS_INFO = r"""
const focusInfo = (el) => {
  const parse = (colour) => (colour.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  let behind = matchMedia("(prefers-color-scheme: dark)").matches ? [0, 0, 0] : [255, 255, 255];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = parse(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || (colour.length === 4 && colour[3] > 0.5)) { behind = colour.slice(0, 3); break; }
  }
  const style = getComputedStyle(el);
  const before = window.__unfocused.get(el) || {outline: "", shadow: "none"};
  const width = parseFloat(style.outlineWidth) || 0;
  const [a, b] = [luminance(parse(style.outlineColor)), luminance(behind)];
  const contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const outline = style.outlineStyle !== "none" && width >= 2 && contrast >= 3;
  const shadow = style.boxShadow !== "none" && style.boxShadow !== before.shadow;
  const box = el.getBoundingClientRect();
  return {
    index: window.__focusOrder.indexOf(el), name: name(el), shown: outline || shadow,
    size: [Math.round(box.width), Math.round(box.height)],
    detail: `outline ${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}, contrast ${contrast.toFixed(2)} against rgb(${behind})`,
  };
};
"""

# What each Tab press focused, as it was focused (null: focus left the page), kept by the page so
# that a walk needs one round trip a key instead of two; `_FOCUS_SEEN` hands over what was kept.
_FOCUS_LOG = _SHARED + _FOCUS_INFO + r"""
() => {
  window.__focusLog = [];
  if (window.__focusLogged) return;  // once a page: it is examined in each colour scheme
  window.__focusLogged = true;
  document.addEventListener("keyup", (event) => {
    if (event.key !== "Tab") return;
    const el = document.activeElement;
    window.__focusLog.push(!el || el === document.body || el === document.documentElement ? null : focusInfo(el));
  }, true);
}
"""
_FOCUS_SEEN = "() => window.__focusLog.splice(0)"

# After a real key press, focus() from a script shows the keyboard's focus style (:focus-visible).
_FOCUS_EACH = _SHARED + _FOCUS_INFO + r"""
() => window.__focusOrder.map((el) => { el.focus({preventScroll: true}); return focusInfo(el); })
"""

_OVERFLOW = r"""
() => {
  const root = document.documentElement, limit = root.clientWidth;
  if (root.scrollWidth <= limit) return [];
  const clipped = (el) => {
    for (let node = el.parentElement; node && node !== root; node = node.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(node).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter((el) =>
    el.getBoundingClientRect().right > limit + 0.5 && !clipped(el));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {  // a long word spilling out of its box
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getBoundingClientRect().right > limit + 0.5 && !clipped(node)) wide.push(node.parentElement);
  }
  const unique = [...new Set(wide)];
  const deepest = unique.filter((el) => !unique.some((other) => other !== el && el.contains(other)));
  return [`the page is ${root.scrollWidth} px wide in a ${limit} px viewport`].concat(
    deepest.slice(0, 4).map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> "${(el.innerText || "").trim().slice(0, 40)}" ends at ${Math.round(el.getBoundingClientRect().right)} px`));
}
"""


_AXE = r"""
([tags, rules]) => axe.run(document, {runOnly: {type: "tag", values: tags}, rules, resultTypes: ["violations"]})
  .then((result) =>
    result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`))
"""


def axe_violations(page, source):
    """axe-core's WCAG A and AA and landmark violations, as the `axe` fixture finds them, but trimmed
    in the page: the full result (every pass, with its HTML) is ~100 KB a page to send back and
    parse. `source` is axe itself, put in the page when it is not there yet (a page loaded with
    scripts off)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(source)
    return page.evaluate(_AXE, [WCAG, LANDMARKS])


def page_checks(page):
    """Target sizes, labels, announced errors and words for coloured flags, in one round trip."""
    found = page.evaluate(_PAGE_CHECKS, MIN_TARGET)
    return (
        [f"target smaller than {MIN_TARGET} px: {text}" for text in found["targets"]]
        + [f"unlabelled: {text}" for text in found["labels"]]
        + [f"not announced: {text}" for text in found["errors"]]
        + [f"colour only: {text}" for text in found["colour"]]
    )


def focus_visible(page, walk=True):
    """Every focusable element shows its focus. With `walk`, Tab through the page from the top
    (every element is reached, each shows its focus); without, a Tab press then each element
    focused in turn from a script, which shows the same keyboard focus style in one round trip."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    order = page.evaluate(_FOCUS_PREPARE)
    if not walk:
        page.keyboard.press("Tab")
        return [f"no visible focus on {now['name']}: {now['detail']}"
                for now in page.evaluate(_FOCUS_EACH) if not now["shown"]]
    page.evaluate(_FOCUS_LOG)
    problems, reached, previous, pressed, done = [], set(), None, 0, False
    while not done and pressed < 4 * len(order) + 5:  # a date or time field takes a Tab per part
        batch = min(len(order) - len(reached) + 2, 4 * len(order) + 5 - pressed)
        for _ in range(batch):
            page.keyboard.press("Tab")
        pressed += batch
        for now in page.evaluate(_FOCUS_SEEN):  # what each of those presses focused, in order
            if now is None:  # past the last element: the browser's own controls
                done = True
                break
            seen = now["index"] if now["index"] >= 0 else now["name"]  # -1: shown only when focused (.skip)
            if seen == previous:  # the next part of the same field
                continue
            if seen in reached:
                done = True
                break
            reached.add(seen)
            previous = seen
            if not now["shown"]:
                problems.append(f"no visible focus on {now['name']}: {now['detail']}")
            if min(now["size"]) < MIN_TARGET - 0.5 and now["index"] < 0:
                problems.append(f"target smaller than {MIN_TARGET} px when focused: {now['name']} is {now['size']}")
    missed = [text for index, text in enumerate(order) if index not in reached]
    problems += [f"not reached with Tab: {text}" for text in missed]
    return problems


def reflow(page):
    """At 200 % zoom (a 180 px viewport) nothing scrolls sideways; the viewport is put back after."""
    size = page.viewport_size
    page.set_viewport_size(ZOOMED)
    try:
        return [f"at 200 % zoom: {text}" for text in page.evaluate(_OVERFLOW)]
    finally:
        page.set_viewport_size(size)
