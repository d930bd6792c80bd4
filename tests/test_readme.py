"""The README tells the truth about configuration and set-up."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settings_env_names():
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_][A-Z0-9_]*)"', source))


def test_every_environment_variable_settings_read_is_documented():
    readme = (ROOT / "README.md").read_text()
    names = _settings_env_names()
    assert "DATABASE_URL" in names and "REDIS_URL" in names
    undocumented = sorted(name for name in names if f"`{name}`" not in readme)
    assert undocumented == []


def test_readme_opens_with_exactly_the_two_commands_and_they_exist():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["scripts/dev", "scripts/test"]
    for command in commands:
        path = ROOT / command
        assert path.is_file() and path.stat().st_mode & 0o111


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^scripts/test\b", ci, re.MULTILINE)
    assert "set -euo pipefail" in ci
