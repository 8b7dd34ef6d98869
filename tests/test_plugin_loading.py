"""Plugins from the constructor, from the ``socialcrm`` entry-point group, and built-ins."""

from __future__ import annotations

import textwrap

import pytest

from socialcrm import Community, ValidationError
from socialcrm.adapters.memory import MemoryStorage
from socialcrm.plugins.manager import DEFAULT_PLUGINS


def test_plugins_installed_under_the_entry_point_group_are_loaded(tmp_path, monkeypatch):
    (tmp_path / "acme_socialcrm_plugin.py").write_text(
        textwrap.dedent(
            """
            from socialcrm import hookimpl

            @hookimpl
            def socialcrm_check_content(actor, field, text, space, context):
                return ["no spam"] if "spam" in text else None
            """
        )
    )
    dist = tmp_path / "acme_socialcrm_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-socialcrm-plugin\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text("[socialcrm]\nacme = acme_socialcrm_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    loaded = Community(MemoryStorage())
    assert loaded.plugins.get_plugin("acme") is not None
    from socialcrm import ContentRejected

    with pytest.raises(ContentRejected):
        loaded.members.join(external_id="x", display_name="spam king")

    isolated = Community(MemoryStorage(), entry_points=False)
    assert isolated.plugins.get_plugin("acme") is None
    isolated.members.join(external_id="x", display_name="spam king")


def test_built_in_plugins_are_registered_by_name_and_can_be_left_out():
    names = {name for name, _ in DEFAULT_PLUGINS}
    full = Community(MemoryStorage(), entry_points=False)
    assert {name for name in names if full.plugins.get_plugin(name) is not None} == names
    bare = Community(MemoryStorage(), entry_points=False, builtin_plugins=False)
    assert all(bare.plugins.get_plugin(name) is None for name in names)
    with pytest.raises(ValidationError):
        Community(MemoryStorage(), builtin_plugins=["socialcrm.nope"])


def test_moderators_lose_their_bypass_without_the_staff_plugin():
    c = Community(MemoryStorage(), entry_points=False, builtin_plugins=["socialcrm.rewards"])
    mod = c.members.join(external_id="m", display_name="Mod", roles=["moderator"])
    assert c.privileges.has(mod.id, "vote_up") is False
