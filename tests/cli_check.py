"""Run ``twin validate`` on a scenario's text, as a user would (shared by the bad-input tests)."""

from click.testing import CliRunner


def validate_text(tmp_path, text: str):
    """``twin validate`` of ``text`` written to ``tmp_path/s.yaml``; the click result, never a traceback."""
    from twin.cli import main

    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["validate", str(p)])
    assert "Traceback" not in r.output, r.output
    return r
