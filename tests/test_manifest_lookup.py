"""manifest lookups (get, objects, names, template_context) agree with what render produces."""

from __future__ import annotations


import pytest

from lsnrmine import manifest
from lsnrmine.render import render_objects
from lsnrmine.templates import render_template
from lsnrmine.settings import Settings



def _settings() -> list[Settings]:
    full = dict(create_schema=True, mail_host="smtp.example.com", mail_sender="lsnrmine@example.com",
                mail_recipients=["dba@example.com"], alert_log=True, audit_mode="both",
                loader_log_directory="LSNR_LOADER_LOG_DIR", loader_log_dir="/u01/app/oracle/lsnrmine_loader_logs")
    return [Settings(), Settings(jobs_enabled=False), Settings.from_mapping(full)]


@pytest.mark.parametrize("settings", _settings(), ids=["default", "no-jobs", "everything"])
@pytest.mark.parametrize("phase", [None, "admin", "owner"])
def test_names_are_the_rendered_names_without_rendering(settings: Settings, phase: str) -> None:
    rendered = render_objects(settings, phase)
    assert manifest.names(settings, phase) == {i.obj.logical: i.name for i in rendered}
    assert manifest.objects(settings, phase) == [i.obj for i in rendered]


@pytest.mark.parametrize("settings", _settings(), ids=["default", "no-jobs", "everything"])
@pytest.mark.parametrize("force", [False, True])
def test_template_context_renders_what_render_objects_renders(settings: Settings, force: bool) -> None:
    for item in render_objects(settings, force=force):
        context = item.obj.template_context(settings, force=force)
        assert render_template(item.obj.deploy, settings, **context) == item.deploy, item.name
        if item.obj.revert:
            assert render_template(item.obj.revert, settings, **context) == item.revert, item.name


def test_get_and_the_behaviour_flags() -> None:
    assert manifest.get("INSTALL_HISTORY").logical == "INSTALL_HISTORY"
    with pytest.raises(KeyError):
        manifest.get("NO_SUCH_OBJECT")
    flagged = {flag: [o.logical for o in manifest.MANIFEST if getattr(o, flag)]
               for flag in ("log_directory", "history", "read_probe")}
    assert flagged == {"log_directory": ["DIRECTORY"], "history": ["INSTALL_HISTORY"],
                       "read_probe": ["LISTENER_LOG", "LISTENER_LOG_LINES"]}
    # the log directory is the one named by the `directory` setting, over log_dir
    directory = manifest.get("DIRECTORY")
    assert (directory.name_from, directory.path_from) == ("directory", "log_dir")
