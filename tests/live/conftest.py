"""Live suite fixtures: one Oracle database per session, lsnrmine installed through the real CLI.

Two modes (docs/live-suite.md):
* container (default): ``gvenzl/oracle-free`` started by testcontainers with a fixed hostname, so
  the listener's text log is at ``/opt/oracle/diag/tnslsnr/<hostname>/listener/trace/listener.log``
  (ADR layout: Net Services Administrator's Guide, "ADR directory structure for a listener";
  ORACLE_BASE=/opt/oracle in gvenzl's Dockerfile.26).
* DSN: ``LSNRMINE_TEST_DSN`` names an existing database; LSNRMINE_TEST_SYSTEM_PASSWORD and
  LSNRMINE_TEST_LOG_DIR are required. Tests that need a shell inside the database host skip.

When neither Docker nor LSNRMINE_TEST_DSN is available, every test of this package is marked
skipped with one reason at collection time (``--collect-only`` still lists them all). Nothing here
imports testcontainers, docker or oracledb at module level: the rest of the test suite runs
without them.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import tarfile

# testcontainers reads its readiness timeout (TC_MAX_TRIES x TC_POOLING_INTERVAL seconds) from the
# environment when testcontainers.core.config is imported, and wait_for_logs() binds it as a default
# argument at import time too (testcontainers/core/config.py, core/waiting_utils.py, 4.15). So it is
# set here, before anything imports testcontainers; the container class below also passes the
# timeout explicitly. A user's own values win.
os.environ.setdefault("TC_MAX_TRIES", "900")
os.environ.setdefault("TC_POOLING_INTERVAL", "1")

import json  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable, Iterator, Optional, Sequence  # noqa: E402

import pytest  # noqa: E402

LIVE_DIR = Path(__file__).resolve().parent
REPO_ROOT = LIVE_DIR.parents[1]

# A full version tag of the slim-faststart flavour (gvenzl/oci-oracle-free README, "Image flavors"
# and the supported-tags table: 23.26.0[-slim][-faststart]). Override with LSNRMINE_TEST_IMAGE.
DEFAULT_IMAGE = "gvenzl/oracle-free:23.26.0-slim-faststart"
IMAGE = os.environ.get("LSNRMINE_TEST_IMAGE", DEFAULT_IMAGE)
# Lower case, no dot: the ADR host directory is the host name (case as returned by the OS [U]).
CONTAINER_HOSTNAME = "lsnrminedb"
ORACLE_BASE = "/opt/oracle"
CONTAINER_TRACE_DIR = f"{ORACLE_BASE}/diag/tnslsnr/{CONTAINER_HOSTNAME}/listener/trace"
CONTAINER_SCRATCH_DIR = f"{ORACLE_BASE}/lsnrmine_scratch"
LOG_FILE = "listener.log"
PDB_SERVICE = "FREEPDB1"  # gvenzl images: CDB FREE with the PDB FREEPDB1
CDB_SID = "FREE"
READY_TIMEOUT_S = int(os.environ.get("TC_MAX_TRIES", "900")) * float(os.environ.get("TC_POOLING_INTERVAL", "1"))
SERVICE_WAIT_S = 300

OWNER = os.environ.get("LSNRMINE_TEST_OWNER", "LSNRMINE_IT").upper()
DIRECTORY = os.environ.get("LSNRMINE_TEST_DIRECTORY", f"{OWNER}_LOG_DIR").upper()

ENV_DSN = "LSNRMINE_TEST_DSN"
ENV_REQUIRED_WITH_DSN = ("LSNRMINE_TEST_SYSTEM_PASSWORD", "LSNRMINE_TEST_LOG_DIR")


# --------------------------------------------------------------------------------------------
# availability: decided once, before any container is constructed


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


# Sockets of engines that do not create /var/run/docker.sock (rootless Docker, Podman's
# Docker-compatible API, Docker Desktop, colima). testcontainers itself looks only at the
# tc.host property, DOCKER_HOST and the current docker context (testcontainers/core/docker_client.py
# get_docker_host, 4.15); these are named in the skip reason so that the user can export DOCKER_HOST.
def well_known_sockets(environ: Optional[dict[str, str]] = None, home: Optional[Path] = None) -> list[str]:
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    runtime = environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return [
        f"{runtime}/docker.sock",  # rootless Docker (dockerd-rootless-setuptool.sh)
        f"{runtime}/podman/podman.sock",  # Podman, rootless (podman.socket user unit)
        "/run/podman/podman.sock",  # Podman, rootful
        str(home / ".docker/run/docker.sock"),  # Docker Desktop
        str(home / ".colima/default/docker.sock"),  # colima
    ]


def docker_endpoint() -> tuple[Optional[str], str]:
    """(the engine address testcontainers will use or None for docker-py's default, where it came
    from). The same lookup as testcontainers: ~/.testcontainers.properties tc.host, DOCKER_HOST,
    then the current docker context (``docker context use``: how rootless Docker and Docker
    Desktop register themselves); TESTCONTAINERS_HOST_OVERRIDE only changes the host name used
    for mapped ports, not the engine."""
    from testcontainers.core.config import testcontainers_config

    try:  # testcontainers 4.15: the function get_docker_host() itself calls
        from testcontainers.core.docker_client import _get_docker_host_from_context
    except ImportError:  # a release without it: docker-py's context store, as 4.15 reads it
        def _get_docker_host_from_context() -> Optional[str]:
            from docker.context import ContextAPI

            try:
                context = ContextAPI.get_current_context()
            except Exception:  # an unreadable docker config: no context
                return None
            if context is None or context.Name == "default" or not context.Host:
                return None
            return context.Host

    if testcontainers_config.tc_properties_get_tc_host():
        return testcontainers_config.tc_properties_get_tc_host(), "tc.host in ~/.testcontainers.properties"
    if os.environ.get("DOCKER_HOST"):
        return os.environ["DOCKER_HOST"], "DOCKER_HOST"
    context_host = _get_docker_host_from_context()
    if context_host:
        return context_host, "the current docker context"
    return None, "docker-py's default unix:///var/run/docker.sock"


def _docker_problem() -> Optional[str]:
    try:
        import docker  # installed with testcontainers
        import testcontainers  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install -e '.[test]')"
    host, source = docker_endpoint()
    if host is None and not os.path.exists("/var/run/docker.sock"):
        found = [path for path in well_known_sockets() if os.path.exists(path)]
        hint = (f"; an engine socket exists at {found[0]}: export DOCKER_HOST=unix://{found[0]}" if found else "")
        return ("no Docker engine: no tc.host, DOCKER_HOST is not set, the docker context is the default "
                f"and /var/run/docker.sock does not exist{hint}")
    try:
        kwargs: dict[str, Any] = {"timeout": 10}
        if host:
            kwargs["base_url"] = host
            kwargs["use_ssh_client"] = host.startswith("ssh://")
        client = docker.DockerClient(**kwargs) if host else docker.from_env(timeout=10)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # any failure to reach the engine means: no Docker here
        return f"no Docker engine answers at {host or 'unix:///var/run/docker.sock'} ({source}; {_first_line(exc)})"
    return None


@functools.lru_cache(maxsize=None)
def live_mode() -> tuple[Optional[str], str]:
    """('dsn' | 'container' | None, reason when None)."""
    try:
        import oracledb  # noqa: F401
    except ImportError:
        return None, "python-oracledb is not installed (pip install -e '.[test]')"
    if os.environ.get(ENV_DSN):
        missing = [name for name in ENV_REQUIRED_WITH_DSN if not os.environ.get(name)]
        if missing:
            return None, f"{ENV_DSN} is set but {', '.join(missing)} is not; see docs/live-suite.md"
        return "dsn", ""
    problem = _docker_problem()
    if problem is not None:
        return None, (
            f"live Oracle suite skipped: {problem}, and {ENV_DSN} is not set "
            "(run it on a machine with Docker or point it at a database: docs/live-suite.md)"
        )
    return "container", ""


def _is_live(item: pytest.Item) -> bool:
    try:
        Path(str(item.path)).resolve().relative_to(LIVE_DIR)
    except ValueError:
        return False
    return True


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live_last: live test that must run after all others (uninstall)")
    config.addinivalue_line("markers", "needs_shell: live test that runs commands on the database host (container mode only)")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    live = [item for item in items if _is_live(item)]
    if not live:
        return
    mode, reason = live_mode()
    if mode is None:
        skip = pytest.mark.skip(reason=reason)
        for item in live:
            item.add_marker(skip)
    # uninstall tests last, keeping every other relative order
    last = [item for item in items if _is_live(item) and item.get_closest_marker("live_last")]
    if last:
        others = [item for item in items if item not in last]
        items[:] = others + last


# --------------------------------------------------------------------------------------------
# the database


def _password() -> str:
    # letters and digits only, starts with a letter: valid in any quoting context and profile
    return "Lm" + secrets.token_hex(10) + "Q7"


@dataclass(frozen=True)
class LogStat:
    size: int
    newlines: int
    ends_with_newline: bool

    @property
    def lines(self) -> int:
        """Physical lines: a last line without its newline (being written) counts too."""
        return self.newlines + (1 if self.size and not self.ends_with_newline else 0)


@dataclass
class LiveDb:
    mode: str
    host: str
    port: int
    service: str
    system_user: str
    system_password: str
    log_dir: str  # server path of the directory holding the listener log
    log_file: str = LOG_FILE
    scratch_dir: Optional[str] = None  # server path the suite may write to (benchmark, scratch install)
    host_log_dir: Optional[Path] = None  # DSN mode: the same directory as seen from here
    scratch_host_dir: Optional[Path] = None  # DSN mode: scratch_dir as seen from here
    container: Any = None
    public_ip: Optional[str] = None  # the container's address on the non-RFC 1918 network
    public_skipped: Optional[str] = None  # why there is none

    @property
    def dsn(self) -> str:
        return f"{self.host}:{self.port}/{self.service}"

    @property
    def log_path(self) -> str:
        return f"{self.log_dir}/{self.log_file}"

    def connect(self, user: str, password: str, **kwargs: Any):
        import oracledb

        return oracledb.connect(user=user, password=password, host=self.host, port=self.port,
                                service_name=self.service, **kwargs)

    def connect_system(self, **kwargs: Any):
        return self.connect(self.system_user, self.system_password, **kwargs)

    # -- commands on the database host (container mode only) --------------------------------

    @property
    def has_shell(self) -> bool:
        return self.container is not None

    def require_shell(self) -> None:
        if not self.has_shell:
            pytest.skip(reason=f"needs a shell on the database host; {ENV_DSN} mode has none")

    def exec(self, argv: Sequence[str], *, check: bool = True, user: Optional[str] = None,
             environment: Optional[dict[str, str]] = None, workdir: Optional[str] = None) -> tuple[int, bytes]:
        """Run argv inside the container as its default user (oracle in gvenzl images), or as
        ``user`` in ``workdir``, with extra ``environment`` variables (docker-py Container.exec_run)."""
        self.require_shell()
        if user is None and environment is None and workdir is None:
            result = self.container.exec(list(argv))
        else:
            result = self.container.get_wrapped_container().exec_run(list(argv), user=user or "",
                                                                     environment=environment, workdir=workdir)
        code = result.exit_code if result.exit_code is not None else -1
        if check and code != 0:
            raise AssertionError(f"{' '.join(argv)} exited {code}: {result.output[-2000:]!r}")
        return code, result.output

    def sh(self, script: str, *, check: bool = True) -> str:
        return self.exec(["sh", "-c", script], check=check)[1].decode("utf-8", "replace")

    # -- the log file -------------------------------------------------------------------------

    def log_stat(self) -> LogStat:
        if self.has_shell:
            # counted inside the container (coreutils of the image's Oracle Linux base [I]); if a tool
            # is missing, the bytes are counted here instead
            code, raw = self.exec(
                ["sh", "-c", f"f='{self.log_path}'; stat -c %s \"$f\" && wc -l < \"$f\" && tail -c 1 \"$f\" | od -An -tx1"],
                check=False)
            out = raw.decode("ascii", "replace").split("\n")
            if code == 0 and len(out) >= 2 and out[0].strip().isdigit() and out[1].strip().isdigit():
                last = out[2].strip() if len(out) > 2 else ""
                return LogStat(int(out[0]), int(out[1]), last == "0a")
        data = self.read_log()
        return LogStat(len(data), data.count(b"\n"), data.endswith(b"\n"))

    def read_log(self) -> bytes:
        if self.has_shell:
            code, data = self.exec(["cat", self.log_path], check=False)
            if code != 0:
                raise AssertionError(f"cat {self.log_path} exited {code}: {data[-500:]!r}")
            return data
        if self.host_log_dir is None:
            pytest.skip("needs the log file's bytes: set LSNRMINE_TEST_LOG_HOST_DIR (docs/live-suite.md)")
        return (self.host_log_dir / self.log_file).read_bytes()

    def stable_snapshot(self, action: Callable[[], Any], *, attempts: int = 8,
                        with_bytes: bool = False) -> tuple[LogStat, Any, Optional[bytes]]:
        """Run ``action`` while the log does not change: the listener appends a line for every new
        connection and service update, so a result is compared only when the file's size and line
        count are the same before and after it (and the bytes read match that size)."""
        for _ in range(attempts):
            before = self.log_stat()
            result = action()
            data = self.read_log() if with_bytes else None
            after = self.log_stat()
            if before == after and (data is None or len(data) == before.size):
                return before, result, data
            time.sleep(2)
        pytest.fail(f"{self.log_path} kept growing during {attempts} attempts; no stable snapshot")


    # -- files the suite controls (the scratch directory) ---------------------------------------

    def require_scratch(self) -> None:
        if self.scratch_dir is None or (not self.has_shell and self.scratch_host_dir is None):
            pytest.skip("needs a scratch directory the database reads and the suite writes: set "
                        "LSNRMINE_TEST_SCRATCH_DIR and LSNRMINE_TEST_SCRATCH_HOST_DIR (docs/live-suite.md)")

    def write_scratch(self, name: str, data: bytes, *, append: bool = False) -> None:
        """Write (or append to) ``name`` in the scratch directory. Container: the bytes go in by
        docker put_archive as a temporary file, then ``cat`` (as the image's user, oracle) writes or
        appends them in one command, so the file stays owned by oracle and the listener-log reader
        sees whole appends."""
        self.require_scratch()
        if not self.has_shell:
            with open(self.scratch_host_dir / name, "ab" if append else "wb") as fh:  # type: ignore[operator]
                fh.write(data)
            return
        tmp = f".lsnrmine_upload_{secrets.token_hex(6)}"
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            info = tarfile.TarInfo(tmp)
            info.size = len(data)
            info.mode = 0o666  # readable and removable whoever the daemon makes the owner
            tar.addfile(info, io.BytesIO(data))
        if not self.container.get_wrapped_container().put_archive(self.scratch_dir, buffer.getvalue()):
            raise AssertionError(f"docker put_archive into {self.scratch_dir} failed")
        folder = self.scratch_dir
        self.sh(f"cat '{folder}/{tmp}' {'>>' if append else '>'} '{folder}/{name}' && rm -f '{folder}/{tmp}' "
                f"&& chmod 644 '{folder}/{name}'")

    def truncate_scratch(self, name: str) -> None:
        self.require_scratch()
        if not self.has_shell:
            (self.scratch_host_dir / name).write_bytes(b"")  # type: ignore[operator]
            return
        self.sh(f": > '{self.scratch_dir}/{name}'")  # truncates in place (same inode), as a log rotation by copy does

    def remove_scratch(self, name: str) -> None:
        if self.has_shell:
            self.sh(f"rm -f '{self.scratch_dir}/{name}'", check=False)
        elif self.scratch_host_dir is not None:
            (self.scratch_host_dir / name).unlink(missing_ok=True)


class _ContainerStartError(RuntimeError):
    pass


ENV_KEEP = "LSNRMINE_TEST_KEEP_CONTAINER"
# A network whose addresses are not RFC 1918 (RFC 2544's benchmarking block 198.18.0.0/15, never
# routed on the Internet), so that the suite's clients count as public addresses in the reports
# (views/report_connections.sql, is_public). Candidates are tried in turn (one may be in use).
PUBLIC_SUBNETS = tuple(f"198.18.{n}.0/24" for n in (117, 163, 201, 47))
ENV_PUBLIC_NETWORK = "LSNRMINE_TEST_PUBLIC_NETWORK"  # "0": no such network (the public checks skip)


def keep_container_requested(environ: Optional[dict[str, str]] = None) -> bool:
    return (os.environ if environ is None else environ).get(ENV_KEEP) == "1"


def apply_keep_container() -> bool:
    """LSNRMINE_TEST_KEEP_CONTAINER=1: testcontainers labels every container with its session id and
    starts Ryuk, which removes the labelled containers about 10 s after the session ends
    (testcontainers core/labels.py, core/container.py Reaper, 4.15). Ryuk is the only thing that
    would remove the kept container, so it is disabled for this session, the documented way:
    TESTCONTAINERS_RYUK_DISABLED (read into testcontainers_config.ryuk_disabled on first use; the
    setter covers the case where it was read already). Returns whether the container is kept."""
    if not keep_container_requested():
        return False
    os.environ["TESTCONTAINERS_RYUK_DISABLED"] = "true"
    from testcontainers.core.config import testcontainers_config

    testcontainers_config.ryuk_disabled = True
    return True


def _public_network():
    """A docker network on one of PUBLIC_SUBNETS, or (None, why not)."""
    import docker
    from testcontainers.core.network import Network

    if os.environ.get(ENV_PUBLIC_NETWORK) == "0":
        return None, f"{ENV_PUBLIC_NETWORK}=0: the container stays on docker's default network"
    errors = []
    for subnet in PUBLIC_SUBNETS:
        ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=subnet)])
        network = Network(docker_network_kw={"ipam": ipam})
        try:
            return network.create(), None
        except Exception as exc:  # docker.errors.APIError: "Pool overlaps with other one on this address space"
            errors.append(f"{subnet}: {_first_line(exc)}")
    return None, "no docker network on a non-RFC 1918 subnet could be created (" + "; ".join(errors) + ")"


def _start_container(system_password: str):
    """(container, network or None, why there is no public network or None). A container whose
    start fails is removed here (with its network) before the error goes up."""
    try:  # testcontainers >= 4.15 (community modules)
        from testcontainers.community.oracle import OracleDbContainer
    except ImportError:  # older releases
        from testcontainers.oracle import OracleDbContainer
    from testcontainers.core.waiting_utils import wait_for_logs

    class LsnrmineOracle(OracleDbContainer):
        def _connect(self) -> None:
            # the gvenzl entrypoint prints this line once the database is open
            # (container-entrypoint.sh); the library's own wait uses the import-time default
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                wait_for_logs(self, "DATABASE IS READY TO USE!", timeout=READY_TIMEOUT_S)

    apply_keep_container()
    network, no_network = _public_network()
    # hostname goes through DockerContainer(**kwargs) to docker-py containers.create(hostname=...)
    container = LsnrmineOracle(image=IMAGE, oracle_password=system_password, hostname=CONTAINER_HOSTNAME)
    if network is not None:
        container.with_network(network)
    try:
        container.start()
    except BaseException:
        _remove_container(container, network)
        raise
    return container, network, no_network


def _remove_container(container, network) -> None:
    try:
        container.stop()  # docker rm -f -v: stops and removes (testcontainers DockerContainer.stop)
    except Exception as exc:  # not created at all (pull failed): nothing to remove
        print(f"\nlive suite: removing the container failed: {_first_line(exc)}", file=sys.stderr)
    if network is not None:
        try:
            network.remove()
        except Exception as exc:
            print(f"\nlive suite: removing network {network.name} failed: {_first_line(exc)}", file=sys.stderr)


def container_ip(container, network) -> Optional[str]:
    """The container's address on ``network`` (docker inspect NetworkSettings.Networks)."""
    wrapped = container.get_wrapped_container()
    wrapped.reload()
    return (wrapped.attrs.get("NetworkSettings", {}).get("Networks", {}).get(network.name, {})
            .get("IPAddress")) or None


def _wait_for_service(db: LiveDb) -> None:
    """FREEPDB1 registers with the listener shortly after the READY line; connect until it answers."""
    deadline = time.monotonic() + SERVICE_WAIT_S
    last: Optional[BaseException] = None
    while time.monotonic() < deadline:
        try:
            with db.connect_system(program="lsnrmine_it_wait") as con:
                with con.cursor() as cur:
                    cur.execute("select 1 from dual")
            return
        except Exception as exc:  # oracledb.Error while the service is not registered yet
            last = exc
            time.sleep(3)
    raise _ContainerStartError(f"{db.dsn} did not accept SYSTEM within {SERVICE_WAIT_S}s: {last}")


@contextlib.contextmanager
def open_live_db() -> Iterator[LiveDb]:
    """The database under test (also used by benchmarks/live_ingest.py). Raises _ContainerStartError
    or ValueError with one line when it cannot be set up."""
    mode, reason = live_mode()
    if mode is None:
        raise ValueError(reason)
    if mode == "dsn":
        dsn = os.environ[ENV_DSN]
        match = re.fullmatch(r"(?:tcp://)?\[?([^\]/:]+)\]?(?::(\d+))?/([^?\s]+)", dsn)
        if not match:
            raise ValueError(f"{ENV_DSN}={dsn!r}: give an EZConnect string host[:port]/service_name")
        host_dir = os.environ.get("LSNRMINE_TEST_LOG_HOST_DIR")
        db = LiveDb(
            mode="dsn", host=match.group(1), port=int(match.group(2) or 1521), service=match.group(3),
            system_user=os.environ.get("LSNRMINE_TEST_SYSTEM_USER", "SYSTEM"),
            system_password=os.environ["LSNRMINE_TEST_SYSTEM_PASSWORD"],
            log_dir=os.environ["LSNRMINE_TEST_LOG_DIR"].rstrip("/"),
            log_file=os.environ.get("LSNRMINE_TEST_LOG_FILE", LOG_FILE),
            scratch_dir=os.environ.get("LSNRMINE_TEST_SCRATCH_DIR"),
            host_log_dir=Path(host_dir) if host_dir else None,
            scratch_host_dir=(Path(os.environ["LSNRMINE_TEST_SCRATCH_HOST_DIR"])
                              if os.environ.get("LSNRMINE_TEST_SCRATCH_HOST_DIR") else None),
        )
        _wait_for_service(db)
        yield db
        return
    system_password = _password()
    container, network, no_network = _start_container(system_password)
    try:
        db = LiveDb(
            mode="container", host=container.get_container_host_ip(),
            port=int(container.get_exposed_port(1521)), service=PDB_SERVICE,
            system_user="SYSTEM", system_password=system_password,
            log_dir=CONTAINER_TRACE_DIR, scratch_dir=CONTAINER_SCRATCH_DIR, container=container,
            public_skipped=no_network,
        )
        if network is not None:
            db.public_ip = container_ip(container, network)
            if db.public_ip is None:
                db.public_skipped = f"docker inspect shows no address on network {network.name}"
        _wait_for_service(db)
        code, out = db.exec(["test", "-f", db.log_path], check=False)
        if code != 0:
            listing = db.sh(f"ls -R {ORACLE_BASE}/diag/tnslsnr 2>&1 | head -40", check=False)
            raise _ContainerStartError(f"{db.log_path} does not exist; {ORACLE_BASE}/diag/tnslsnr holds:\n{listing}")
        db.sh(f"mkdir -p {CONTAINER_SCRATCH_DIR}")
        yield db
    finally:
        if keep_container_requested():
            print(f"\nlive suite: container {container.get_container_id()} kept ({ENV_KEEP}=1, Ryuk disabled); "
                  f"remove it with: docker rm -f {container.get_container_id()[:12]}"
                  + (f" && docker network rm {network.name}" if network is not None else ""))
        else:
            _remove_container(container, network)


@pytest.fixture(scope="session")
def live_db() -> Iterator[LiveDb]:
    mode, reason = live_mode()
    if mode is None:
        pytest.skip(reason=reason)
    try:
        manager = open_live_db()
        db = manager.__enter__()
    except (ValueError, _ContainerStartError) as exc:
        pytest.fail(f"live database not available: {exc}")
    try:
        yield db
    finally:
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def system_conn(live_db: LiveDb):
    con = live_db.connect_system(program="lsnrmine_it_system")
    yield con
    con.close()


# --------------------------------------------------------------------------------------------
# the CLI, run as a user would


@dataclass
class CliRun:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        return (f"lsnrmine {' '.join(self.args)} -> exit {self.returncode}\n"
                f"--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-4000:]}")


@dataclass
class Cli:
    workdir: Path
    runs: list[CliRun] = field(default_factory=list)

    def run(self, *args: str, env: Optional[dict[str, str]] = None, timeout: float = 1200,
            cwd: Optional[Path] = None) -> CliRun:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("LSNRMINE_")}
        environ.update(env or {})
        environ["PYTHONIOENCODING"] = "utf-8"
        proc = subprocess.run(
            [sys.executable, "-m", "lsnrmine", *args], cwd=str(cwd or self.workdir), env=environ,
            capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # no controlling terminal: a password prompt fails instead of hanging
        )
        run = CliRun(tuple(args), proc.returncode, proc.stdout, proc.stderr)
        self.runs.append(run)
        return run


def write_config(folder: Path, /, **values: Any) -> Path:
    """A lsnrmine.toml: the settings every command of the suite shares."""
    lines = ["[lsnrmine]"]
    for key, value in values.items():
        lines.append(f"{key} = {json.dumps(value)}")  # JSON strings/bools/lists are valid TOML here
    path = folder / "lsnrmine.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Install:
    db: LiveDb
    cli: Cli
    owner: str
    owner_password: str
    directory: str
    admin_run: CliRun
    owner_run: CliRun

    def admin_env(self) -> dict[str, str]:
        return {"LSNRMINE_PASSWORD": self.db.system_password, "LSNRMINE_OWNER_PASSWORD": self.owner_password}

    def owner_env(self) -> dict[str, str]:
        return {"LSNRMINE_PASSWORD": self.owner_password, "LSNRMINE_OWNER_PASSWORD": self.owner_password}

    def as_admin(self, command: str, *args: str, env: Optional[dict[str, str]] = None) -> CliRun:
        return self.cli.run(command, "--dsn", self.db.dsn, "--user", self.db.system_user, *args,
                            env={**self.admin_env(), **(env or {})})

    def as_owner(self, command: str, *args: str, env: Optional[dict[str, str]] = None) -> CliRun:
        return self.cli.run(command, "--dsn", self.db.dsn, "--user", self.owner, *args,
                            env={**self.owner_env(), **(env or {})})

    def settings(self):
        from lsnrmine.settings import load_settings

        return load_settings(config_path=str(self.cli.workdir / "lsnrmine.toml"), environ={})

    def connect_owner(self, **kwargs: Any):
        return self.db.connect(self.owner, self.owner_password, **kwargs)

    @property
    def secrets(self) -> list[str]:
        return [self.db.system_password, self.owner_password]


@pytest.fixture(scope="session")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    return Cli(tmp_path_factory.mktemp("lsnrmine_cli"))


def _user_exists(con, name: str) -> bool:
    with con.cursor() as cur:
        cur.execute("select count(*) from all_users where username = :name", name=name)
        return cur.fetchone()[0] > 0


@pytest.fixture(scope="session")
def installed(live_db: LiveDb, cli: Cli, system_conn) -> Iterator[Install]:
    """lsnrmine installed through the CLI: phase admin as SYSTEM (creating the owner), then phase
    owner as the owner, reading the database's own listener log."""
    if _user_exists(system_conn, OWNER):
        pytest.fail(f"user {OWNER} already exists in {live_db.dsn}; drop it or set LSNRMINE_TEST_OWNER")
    write_config(cli.workdir, schema=OWNER, directory=DIRECTORY, log_dir=live_db.log_dir,
                 log_file=[live_db.log_file], create_schema=True)
    owner_password = _password()
    install = Install(live_db, cli, OWNER, owner_password, DIRECTORY, admin_run=None, owner_run=None)  # type: ignore[arg-type]
    try:
        # the rendered admin phase, exactly as the README tells a DBA (create_schema = true: the
        # owner is created by the admin phase with its grants and quota, nothing else)
        install.admin_run = install.as_admin("install", "--phase", "admin")
        if install.admin_run.returncode != 0:
            pytest.fail("phase admin failed:\n" + install.admin_run.describe())
        install.owner_run = install.as_owner("install", "--phase", "owner")
        if install.owner_run.returncode != 0:
            pytest.fail("phase owner failed:\n" + install.owner_run.describe())
        yield install
    finally:
        if live_db.mode == "dsn":  # a shared database: leave nothing behind, even after a failed phase
            drop_test_objects(system_conn, OWNER, DIRECTORY)


# ORA-01918 user does not exist; ORA-04043 object (directory) does not exist
_ALREADY_GONE = (1918, 4043)
# ORA-01940 cannot drop a user who is currently connected (a scheduler job session of the owner)
_USER_CONNECTED = 1940


def drop_test_objects(con, owner: str, directory: str, *, attempts: int = 10) -> None:
    """Drop a user the suite created (cascade) and its directory object. The owner's scheduler jobs
    are disabled and stopped first and its remaining sessions killed, so ORA-01940 (a job still
    running) does not leave the user behind; "does not exist" is fine; any other error is raised."""
    import oracledb

    with con.cursor() as cur:
        cur.execute("select job_name from all_scheduler_jobs where owner = :o", o=owner)
        for (job,) in cur.fetchall():
            qualified = f'"{owner}"."{job}"'
            for call in ("begin sys.dbms_scheduler.disable(name => :n, force => true); end;",
                         "begin sys.dbms_scheduler.stop_job(job_name => :n, force => true); end;"):
                try:
                    cur.execute(call, n=qualified)
                except oracledb.DatabaseError:
                    pass  # not running (ORA-27366) or already disabled: the drop below decides
        for attempt in range(attempts):
            try:
                cur.execute(f'drop user "{owner}" cascade')
                break
            except oracledb.DatabaseError as exc:
                code = exc.args[0].code
                if code in _ALREADY_GONE:
                    break
                if code != _USER_CONNECTED or attempt == attempts - 1:
                    raise
                _kill_sessions(cur, owner)
                time.sleep(3)
        try:
            cur.execute(f'drop directory "{directory}"')
        except oracledb.DatabaseError as exc:
            if exc.args[0].code not in _ALREADY_GONE:
                raise


def _kill_sessions(cur, owner: str) -> None:
    import oracledb

    cur.execute("select sid, serial# from v$session where username = :o", o=owner)
    for sid, serial in cur.fetchall():
        try:
            cur.execute(f"alter system kill session '{int(sid)},{int(serial)}' immediate")
        except oracledb.DatabaseError:
            pass  # ended meanwhile (ORA-00030)


_drop_test_objects = drop_test_objects  # the earlier name


def run_teardown(what: str, action: Callable[[], None], *, strict: bool) -> None:
    """Run a clean-up step. ``strict`` (DSN mode, a shared database: nothing may be left behind):
    its error is raised. Otherwise (container mode: the container is discarded with everything in
    it) an error becomes a warning; e.g. DROP USER ... CASCADE meeting ORA-00054 or ORA-14452 while a
    scheduler job session still holds the owner's global temporary table (review R6)."""
    try:
        action()
    except Exception as exc:  # any failure of the step; raised again in strict mode
        if strict:
            raise
        warnings.warn(f"live suite: {what} failed, ignored in container mode (the container is removed "
                      f"at the end of the session): {' '.join(str(exc).split())[:300]}", stacklevel=2)


@pytest.fixture(scope="session")
def owner_conn(installed: Install):
    con = installed.connect_owner(program="lsnrmine_it_owner")
    yield con
    con.close()


@pytest.fixture(scope="session")
def traffic(live_db: LiveDb):
    """The listener traffic of tests/live/traffic.py, generated once per session."""
    from .traffic import generate

    return generate(live_db)


# --------------------------------------------------------------------------------------------
# helpers shared by the test modules


def query(con, sql: str, **binds: Any) -> tuple[list[str], list[tuple]]:
    with con.cursor() as cur:
        if binds:
            cur.execute(sql, binds)
        else:
            cur.execute(sql)
        columns = [d[0] for d in cur.description]
        return columns, [tuple(_plain(v) for v in row) for row in cur.fetchall()]


def _plain(value: Any) -> Any:
    if hasattr(value, "read"):  # LOB
        return value.read()
    return value


_SEGMENT_CREATION = re.compile(r"\s*\bSEGMENT\s+CREATION\s+(?:DEFERRED|IMMEDIATE)\b", re.I)


def normalize_ddl(ddl: Optional[str]) -> Optional[str]:
    """DBMS_METADATA DDL without a SEGMENT CREATION clause (review F5: it changes from DEFERRED to
    IMMEDIATE when a row is first inserted) and without trailing blanks per line."""
    if ddl is None:
        return None
    text = _SEGMENT_CREATION.sub("", ddl)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def complete_part(data: bytes) -> bytes:
    """The bytes up to and including the last LF: what the ingest reads (a last partial line waits)."""
    return data[:data.rfind(b"\n") + 1]


def run_job(con, job_name: str, *, attempts: int = 30) -> None:
    """DBMS_SCHEDULER.RUN_JOB in this session (use_current_session => TRUE: the job's action runs
    synchronously here and its error, if any, is raised here). ORA-27478 (job is running: the
    background run of the same job) is waited out."""
    import oracledb

    for _ in range(attempts):
        try:
            with con.cursor() as cur:
                cur.execute("begin sys.dbms_scheduler.run_job(job_name => :job_name, use_current_session => true); end;",
                            job_name=job_name)
            return
        except oracledb.DatabaseError as exc:
            if exc.args[0].code != 27478:
                raise
            time.sleep(2)
    pytest.fail(f"job {job_name} stayed running (ORA-27478) for {attempts * 2}s")


# --------------------------------------------------------------------------------------------
# the scratch install: a second owner whose directory object points at the scratch directory,
# reading files the suite writes (exact online/offline comparisons, truncation, crafted lines)

SCRATCH_OWNER = os.environ.get("LSNRMINE_TEST_SCRATCH_OWNER", f"{OWNER}_S").upper()
SCRATCH_DIRECTORY = f"{SCRATCH_OWNER}_DIR"
SCRATCH_LOG = "scratch.log"


@pytest.fixture(scope="session")
def scratch(live_db: LiveDb, system_conn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Install]:
    """lsnrmine installed (both phases, through the CLI) as SCRATCH_OWNER over the scratch
    directory, configured log file ``scratch.log`` (created empty first: written later by
    ``scratch_log``). Dropped at the end of the session (user and directory), in both modes."""
    live_db.require_scratch()
    if _user_exists(system_conn, SCRATCH_OWNER):
        pytest.fail(f"user {SCRATCH_OWNER} already exists in {live_db.dsn}; drop it or set LSNRMINE_TEST_SCRATCH_OWNER")
    live_db.write_scratch(SCRATCH_LOG, b"")
    cli = Cli(tmp_path_factory.mktemp("lsnrmine_scratch"))
    write_config(cli.workdir, schema=SCRATCH_OWNER, directory=SCRATCH_DIRECTORY, log_dir=live_db.scratch_dir,
                 log_file=[SCRATCH_LOG], create_schema=True)
    install = Install(live_db, cli, SCRATCH_OWNER, _password(), SCRATCH_DIRECTORY, admin_run=None, owner_run=None)  # type: ignore[arg-type]
    try:
        install.admin_run = install.as_admin("install", "--phase", "admin")
        if install.admin_run.returncode != 0:
            pytest.fail("scratch install, phase admin failed:\n" + install.admin_run.describe())
        install.owner_run = install.as_owner("install", "--phase", "owner")
        if install.owner_run.returncode != 0:
            pytest.fail("scratch install, phase owner failed:\n" + install.owner_run.describe())
        yield install
    finally:
        run_teardown(f"dropping {SCRATCH_OWNER} and {SCRATCH_DIRECTORY}",
                     lambda: drop_test_objects(system_conn, SCRATCH_OWNER, SCRATCH_DIRECTORY),
                     strict=live_db.mode == "dsn")
        live_db.remove_scratch(SCRATCH_LOG)


@pytest.fixture(scope="session")
def alert_traffic(live_db: LiveDb, traffic):
    """Traffic built for the alert rules (tests/live/traffic.py generate_alert_traffic), once."""
    from .traffic import generate_alert_traffic

    return generate_alert_traffic(live_db)


def set_storm_threshold(con, settings) -> None:
    """ALERT_RULES is edited with an UPDATE, no reinstall (tables/alert_rules.sql). The shipped
    threshold (300 establishes in a minute) is more than the suite should send; the alert traffic
    sends STORM_ALERT_CONNECTS > STORM_THRESHOLD connects within one minute."""
    from .traffic import STORM_THRESHOLD

    with con.cursor() as cur:
        cur.execute(f'update "{settings.object_name("ALERT_RULES")}" set threshold = :t '
                    "where rule_id = 'CONNECTION_STORM'", t=STORM_THRESHOLD)
    con.commit()


@pytest.fixture(scope="session")
def scratch_log(live_db: LiveDb, scratch: Install, alert_traffic) -> bytes:
    """scratch.log = the complete lines of the database's own listener log (all the session's
    traffic, the alert traffic included) + crafted lines in the article's format for the rules
    real traffic cannot trigger here (see traffic.crafted_alert_lines). Returns the bytes."""
    from .traffic import crafted_alert_lines

    with live_db.connect_system(program="lsnrmine_it_clock") as con:
        _, rows = query(con, "select sysdate from dual")
    data = complete_part(live_db.read_log()) + crafted_alert_lines(rows[0][0])
    live_db.write_scratch(SCRATCH_LOG, data)
    return data


@pytest.fixture(scope="session")
def scratch_evaluated(scratch: Install, scratch_log: bytes) -> bytes:
    """The scratch install has ingested scratch.log (ingest job) and evaluated the alert rules
    (alert job), both run in this session. Returns the bytes of scratch.log."""
    settings = scratch.settings()
    with scratch.connect_owner(program="lsnrmine_it_scratch_jobs") as con:
        set_storm_threshold(con, settings)
        run_job(con, settings.object_name("INGEST_JOB"))
        run_job(con, settings.object_name("ALERT_JOB"))
    return scratch_log


@pytest.fixture(scope="session")
def main_evaluated(installed: Install, alert_traffic) -> Any:
    """The main install has ingested its listener log (after the alert traffic) and evaluated the
    alert rules, both jobs run in this session. Returns the alert traffic report."""
    settings = installed.settings()
    with installed.connect_owner(program="lsnrmine_it_main_jobs") as con:
        set_storm_threshold(con, settings)
        run_job(con, settings.object_name("INGEST_JOB"))
        run_job(con, settings.object_name("ALERT_JOB"))
    return alert_traffic


# --------------------------------------------------------------------------------------------
# the checklist: what ran against Oracle and whether it matched, printed at the end of the run
#
# Tests record one entry per rendered object / article query / report through the ``checklist``
# fixture (item.user_properties, so the entries travel in the test reports, also with xdist).
# pytest_terminal_summary prints them next to the full catalogue: anything without an entry is
# listed as "not run", never as passed.

CHECKLIST_KEY = "lsnrmine_check"
CHECK_KINDS = ("object", "article", "report")


@dataclass(frozen=True)
class Check:
    kind: str  # "object" (render file name), "article" (article query), "report" (catalogue report)
    name: str
    ran: bool  # compiled (object) / executed (query) on Oracle
    matched: Optional[bool]  # equal to the offline engine; None: no offline twin to compare with
    detail: str = ""

    def as_property(self) -> tuple[str, dict]:
        return CHECKLIST_KEY, {"kind": self.kind, "name": self.name, "ran": self.ran, "matched": self.matched,
                               "detail": self.detail}


@pytest.fixture
def checklist(request: pytest.FixtureRequest) -> Callable[..., None]:
    """checklist(kind, name, ran=..., matched=..., detail=...): one line of the final summary."""
    def add(kind: str, name: str, *, ran: bool, matched: Optional[bool], detail: str = "") -> None:
        if kind not in CHECK_KINDS:
            raise ValueError(f"checklist kind {kind!r} is not one of {CHECK_KINDS}")
        request.node.user_properties.append(Check(kind, name, ran, matched, detail).as_property())
    return add


def expected_catalogue() -> dict[str, list[str]]:
    """Every rendered object (render file names of both phases, settings of the main install),
    every article query (the article views and reports/article_*.sql) and every catalogue report."""
    from lsnrmine.manifest import MANIFEST
    from lsnrmine.render import render_objects
    from lsnrmine.report_catalogue import catalogue
    from lsnrmine.settings import Settings
    from lsnrmine.templates import template_root

    settings = Settings(schema=OWNER, directory=DIRECTORY, log_dir=CONTAINER_TRACE_DIR, log_files=(LOG_FILE,),
                        create_schema=True)
    objects = [item.file_name for item in render_objects(settings)]
    article_views = [f"view {o.logical}" for o in MANIFEST if o.object_type == "VIEW" and o.logical in ARTICLE_VIEW_NAMES]
    article_reports = sorted(p.name for p in (template_root() / "reports").glob("article_*.sql"))
    return {"object": objects, "article": article_views + article_reports, "report": [r.name for r in catalogue()]}


# the article's queries the project ships as views (tests/live/test_05_article_offline.py)
ARTICLE_VIEW_NAMES = ("JDBC_SERVICE_HOSTS", "SID_SERVICE_BREAKUP", "LISTENER_COMMANDS", "ADMIN_RESTRICTED",
                      "FAILED_COMMANDS")


def checks_from_reports(reports: Sequence[Any]) -> list[Check]:
    """The checklist entries of test reports (each test's entries once, whatever its phases)."""
    seen: set[str] = set()
    checks: list[Check] = []
    for report in reports:
        if report.nodeid in seen or not getattr(report, "user_properties", None):
            continue
        entries = [value for key, value in report.user_properties if key == CHECKLIST_KEY]
        if entries:
            seen.add(report.nodeid)
            # within one test the last entry for a name wins: a test records "did not run" first
            # and overwrites it once the query ran, so a test that stops early stays "FAILED"
            latest = {(entry["kind"], entry["name"]): entry for entry in entries}
            checks.extend(Check(**entry) for entry in latest.values())
    return checks


def summary_lines(checks: Sequence[Check], catalogue: dict[str, list[str]], *, skip_reason: str = "") -> list[str]:
    """The checklist as text: per kind, every catalogue entry with what happened to it. An entry
    checked several times keeps its worst outcome (not run < failed to run < ran, mismatch < match)."""
    def rank(check: Check) -> tuple[int, int]:
        return (1 if check.ran else 0, {False: 0, None: 1, True: 2}[check.matched])

    titles = {"object": "rendered objects (compiled VALID on Oracle)",
              "article": "article queries (ran verbatim on Oracle; matched the offline engine)",
              "report": "catalogue reports (ran on Oracle; matched the offline engine)"}
    lines: list[str] = []
    if skip_reason:
        lines.append(f"nothing ran against Oracle: {skip_reason}")
    for kind in CHECK_KINDS:
        by_name: dict[str, Check] = {}
        for check in checks:
            if check.kind == kind and (check.name not in by_name or rank(check) < rank(by_name[check.name])):
                by_name[check.name] = check
        names = list(catalogue.get(kind, []))
        names += [name for name in by_name if name not in names]
        counts = {"ok": 0, "FAILED": 0, "MISMATCH": 0, "not run": 0, "ran": 0}
        body = []
        for name in names:
            check = by_name.get(name)
            if check is None:
                verdict = "not run"
            elif not check.ran:
                verdict = "FAILED"
            elif check.matched is False:
                verdict = "MISMATCH"
            elif check.matched is None:
                verdict = "ran"
            else:
                verdict = "ok"
            counts[verdict] += 1
            detail = f"  {check.detail}" if check is not None and check.detail else ""
            body.append(f"  {verdict:<8} {name}{detail}")
        summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
        lines.append(f"{titles[kind]}: {summary or 'none'}")
        if checks:  # with no entry at all the list would only repeat "not run"
            lines.extend(body)
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    reports = [r for key in ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
               for r in terminalreporter.stats.get(key, []) if hasattr(r, "nodeid")]
    live = [r for r in reports if "tests/live/" in r.nodeid.replace("\\", "/") or r.nodeid.startswith("live/")]
    if not live:
        return
    mode, reason = live_mode()
    try:
        catalogue = expected_catalogue()
    except Exception as exc:  # the summary must not hide the run's own result
        catalogue = {}
        terminalreporter.write_line(f"(catalogue unavailable: {_first_line(exc)})")
    terminalreporter.write_sep("=", "lsnrmine live checklist")
    for line in summary_lines(checks_from_reports(live), catalogue, skip_reason=reason if mode is None else ""):
        terminalreporter.write_line(line)
