"""The layers hold: images ← actors ← agreements ← events ← newsroom ← digests, the site above
them all. The image library sits at the bottom: briefings, digests and later actors and events
(portraits, flags) use it, and it knows nothing of any of them.

An app may import (in Python) or include, extend and load (in templates) only what is in its
own layer or below. Root modules of `briefings/` (clock, paths, …) sit under every app. The
demo loader sits on top beside the site; neither may use the other.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "images": 0,
    "actors": 1,
    "agreements": 2,
    "events": 3,
    "newsroom": 4,
    "digests": 5,
    "site": 6,
    "demo": 6,
}
SHARED = -1  # modules at the root of briefings/, under every app
# Templates of a root package: briefings/staff's sign-in steps, and the admin header with its
# choice of language (they extend and include only Django's own and each other).
SHARED_TEMPLATES = {"admin/staff", "admin/base_site.html", "admin/language_choice.html"}
VERBS = {"extends": "extends", "include": "includes", "load": "loads"}
TEMPLATE_TAG = re.compile(r"{%\s*(extends|include|load)\s+([^%]*?)\s*%}")
# A template named in Python: render("site/newsroom/home.html"), render_to_string(...).
TEMPLATE_NAME = re.compile(r"""["']((?:admin/)?([a-z_]+)/[\w/.-]+\.(?:html|txt))["']""")


def owner_of_module(name):
    """The layer a dotted module name belongs to, or None outside the project."""
    parts = name.split(".")
    if parts[0] != "briefings" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else SHARED


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "briefings":  # `from briefings import site` names the app
                yield from (f"briefings.{alias.name}" for alias in node.names)
            else:
                yield node.module


def allowed(source, target):
    """Whether code or templates of `source` may use `target` (app names, or SHARED)."""
    if target is None or target in (source, SHARED):
        return True
    if source == SHARED:
        return False
    return LAYERS[target] < LAYERS[source]


def template_owner(name):
    """The app a template (by its name under templates/) belongs to, or None for Django's own."""
    parts = name.split("/")
    if "/".join(parts[:2]) in SHARED_TEMPLATES:
        return SHARED
    if parts[0] == "admin" and len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return parts[0] if parts[0] in LAYERS else None


def tag_libraries(root):
    """Our template tag libraries and the app that defines each."""
    return {
        path.stem: path.parent.parent.name
        for path in (root / "briefings").glob("*/templatetags/*.py")
        if path.stem != "__init__"
    }


def violations(root=ROOT):
    """Every upward use in the tree at `root`, as readable lines."""
    found = []
    libraries = tag_libraries(root)
    for path in sorted((root / "briefings").rglob("*.py")):
        relative = path.relative_to(root)
        source = relative.parts[1] if relative.parts[1] in LAYERS else SHARED
        text = path.read_text()
        for module in imported_modules(ast.parse(text, filename=str(path))):
            target = owner_of_module(module)
            if not allowed(source, target):
                found.append(f"{relative} imports {module}")
        for name, _ in TEMPLATE_NAME.findall(text):
            target = template_owner(name)
            if not allowed(source, target):
                found.append(f"{relative} renders {name}")
    for path in sorted((root / "templates").rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(root / "templates")
        source = template_owner(relative.as_posix())
        if source is None:
            found.append(f"templates/{relative} belongs to no app")
            continue
        for tag, argument in TEMPLATE_TAG.findall(path.read_text()):
            if tag == "load":
                names = [n for n in argument.split() if n != "from"]
                targets = [(n, libraries.get(n)) for n in names]
            else:
                name = argument.split()[0].strip("\"'")
                targets = [(name, template_owner(name))]
            for name, target in targets:
                if not allowed(source, target):
                    found.append(f"templates/{relative} {VERBS[tag]} {name}")
    return found


def test_no_app_uses_a_layer_above_it():
    assert violations() == []


def plant(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_check_finds_each_kind_of_upward_use(tmp_path):
    plant(
        tmp_path,
        {
            "briefings/clock.py": "from django.conf import settings\n",
            "briefings/paths.py": "from briefings.newsroom.models import Briefing\n",
            "briefings/site/templatetags/desk.py": "",
            "briefings/actors/views.py": "from briefings.newsroom.cache import public_page\n",
            "briefings/agreements/models.py": "from briefings import site\n",
            "briefings/newsroom/models.py": (
                "from briefings.actors.models import Actor\n"
                "def alerts():\n    from briefings.digests import tasks\n"
            ),
            "briefings/digests/emails.py": 'render_to_string("site/newsroom/home.html")\n',
            "briefings/demo/load.py": "import briefings.site.urls\n",
            "templates/site/base.html": '{% load static desk %}{% include "digests/_x.html" %}',
            "templates/actors/actor_detail.html": '{% extends "site/base.html" %}{% load desk %}',
            "templates/newsroom/x.html": '{% include "digests/_follow_button.html" %}',
            "templates/digests/email/a.html": '{% include "digests/email/_b.html" %}{% load tz %}',
            "templates/admin/events/event/change_form.html": (
                '{% extends "admin/change_form.html" %}{% include "admin/newsroom/x.html" %}'
            ),
            "templates/base.html": "",
        },
    )
    assert sorted(violations(tmp_path)) == sorted(
        [
            "briefings/paths.py imports briefings.newsroom.models",
            "briefings/actors/views.py imports briefings.newsroom.cache",
            "briefings/agreements/models.py imports briefings.site",
            "briefings/newsroom/models.py imports briefings.digests",
            "briefings/digests/emails.py renders site/newsroom/home.html",
            "briefings/demo/load.py imports briefings.site.urls",
            "templates/actors/actor_detail.html extends site/base.html",
            "templates/actors/actor_detail.html loads desk",
            "templates/newsroom/x.html includes digests/_follow_button.html",
            "templates/admin/events/event/change_form.html includes admin/newsroom/x.html",
            "templates/base.html belongs to no app",
        ]
    )
