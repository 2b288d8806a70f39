"""The code keeps a readable shape: no module of pantry/ over 300 lines, no function over 40, no
view (a function with a route decorator) over 25. A function's length runs from its first
decorator (or its `def`) to its last line, docstring included; a module's is its count of lines.
Each offender is named with its place, so the message says what to split."""
import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.once  # what it checks does not depend on the database

PACKAGE = Path(__file__).resolve().parents[1] / "pantry"
MODULE_MOST, FUNCTION_MOST, VIEW_MOST = 300, 40, 25
ROUTES = {"route", "get", "post", "put", "patch", "delete"}  # bp.get(...), app.route(...)
# Being split in other branches of issue 11 when this was written. The list only shrinks: one
# that no longer offends fails test_what_is_pending_still_offends until it is struck from here.
PENDING = set()  # what offends and is being mended, each named with why: nothing today


def is_view(function):
    """Decorated with `<blueprint>.route(...)`, `.get(...)`, `.post(...)`..."""
    return any(isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
               and decorator.func.attr in ROUTES for decorator in function.decorator_list)


def length(function):
    first = min([function.lineno] + [decorator.lineno for decorator in function.decorator_list])
    return function.end_lineno - first + 1


def offenders(root):
    """{"pantry/x.py": "pantry/x.py: 312 lines (most 300)",
    "pantry/y.py page": "pantry/y.py:40 view page: 31 lines (most 25)", ...} for the package at `root`."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        source, name = path.read_text(), path.relative_to(root.parent).as_posix()
        lines = len(source.splitlines())
        if lines > MODULE_MOST:
            found[name] = f"{name}: {lines} lines (most {MODULE_MOST})"
        for function in ast.walk(ast.parse(source, str(path))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            kind, most = ("view", VIEW_MOST) if is_view(function) else ("function", FUNCTION_MOST)
            if length(function) > most:
                found[f"{name} {function.name}"] = (
                    f"{name}:{function.lineno} {kind} {function.name}: {length(function)} lines (most {most})")
    return found


def test_no_module_function_or_view_is_too_long():
    found = [said for place, said in offenders(PACKAGE).items() if place not in PENDING]
    assert not found, "split these by meaning:\n" + "\n".join(found)


def test_what_is_pending_still_offends():
    mended = PENDING - set(offenders(PACKAGE))
    assert not mended, f"these are within the limits now: strike them from PENDING: {sorted(mended)}"


def test_the_check_names_each_kind_of_offender(tmp_path):
    """The walk is not vacuous: a long view, a long function and a long module are each named,
    and what is just within the limits is not."""
    def body(count):
        return "".join(f"    x{number} = {number}\n" for number in range(count))

    package = tmp_path / "pantry"
    package.mkdir()
    long = ("@bp.get('/x')\ndef page():\n" + body(24)  # lines 1-26: a view of 26 lines
            + "def rule():\n" + body(40)  # lines 27-67: a function of 41
            + "def fine():\n" + body(39))  # lines 68-107: a function of 40
    (package / "long.py").write_text(long + "\n" * 194)  # 301 lines
    (package / "short.py").write_text("@bp.route('/y', methods=['POST'])\ndef page():\n" + body(23))  # 25
    assert list(offenders(package).values()) == [
        "pantry/long.py: 301 lines (most 300)",
        "pantry/long.py:2 view page: 26 lines (most 25)",
        "pantry/long.py:27 function rule: 41 lines (most 40)",
    ]
