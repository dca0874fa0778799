"""The README's promises hold: CI runs its test command, and its screenshots exist."""

from __future__ import annotations

import re
from pathlib import Path

from deploy.nginx import readme_config
from pages._registry import PAGES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _bash_blocks() -> list[str]:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", README, re.DOTALL)]


def test_readme_has_the_two_commands() -> None:
    run, test = _bash_blocks()[:2]
    assert run.endswith("streamlit run dashboard.py")
    assert test.endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _bash_blocks()[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()


def test_every_page_has_a_screenshot_in_the_readme() -> None:
    for info in PAGES:
        name = Path(info.path).stem
        assert f"docs/screenshots/{name}.png" in README
        assert (ROOT / "docs" / "screenshots" / f"{name}.png").is_file()


def test_the_server_defaults_are_documented() -> None:
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    for option in ("enableXsrfProtection", "maxUploadSize", "showErrorDetails", "fileWatcherType", "address"):
        assert option in config
        assert option in README
    assert "/_stcore/health" in README


def test_the_readme_nginx_block_is_the_deployment_template_rendered() -> None:
    # python -m deploy runs nginx with deploy/nginx.conf.template: the block the README shows is that
    # template rendered with the README's example values, so the documented config is the tested one.
    blocks = re.findall(r"```nginx\n(.*?)```", README, re.DOTALL)
    assert blocks == [readme_config()]


def test_the_readme_describes_the_deploy_command() -> None:
    for text in ("python -m deploy", "--replicas", "--print-config", "deploy/nginx.conf.template", "garden_lab_sticky"):
        assert text in README
