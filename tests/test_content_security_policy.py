"""The Content-Security-Policy: sent on every page, and no template needs inline code or styles.

That the pages still work under it (charts, live training progress, printing) is shown in a
real browser in tests/browser/test_content_security_policy.py.
"""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = re.compile(
    r"""\son[a-z]+\s*=|<script(?![^>]*\bsrc=)[^>]*>|\sstyle\s*=|<style|javascript:""",
    re.IGNORECASE,
)


def test_pages_are_sent_with_a_policy_that_forbids_inline_scripts_and_styles(as_teacher, school):
    response = as_teacher.get(f"/s/{school.slug}/")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


def test_no_template_has_an_inline_script_handler_or_style():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in TEMPLATES.rglob("*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert offenders == []
