"""Finding the auth0-mock binary the way a user would, and running it on a free port."""

from __future__ import annotations

import collections
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Deque, List, Mapping, Optional, Sequence, Tuple

import requests

ENV_BIN = "AUTH0_MOCK_BIN"
BIN_NAME = "auth0-mock"
CARGO_RUN: Tuple[str, ...] = ("cargo", "run", "--release", "--bin", "auth0-mock", "--")

#: Seconds a binary gets to print its banner and answer /healthz.
START_TIMEOUT = 30.0
#: `cargo run --release` may have to build the whole project first (minutes on a small machine).
CARGO_START_TIMEOUT = 1800.0

_ISSUER_LINE = re.compile(r"^\s*Domain / issuer\s+(\S+)\s*$")
_TABLE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
_PACKAGE_NAME = re.compile(r"""^\s*name\s*=\s*["']auth0-mock["']\s*(#.*)?$""")

#: One explicitly configured location: (value, directory a relative value is relative to, where
#: the value came from, for messages).
Candidate = Tuple[str, Path, str]


class BinaryNotFound(Exception):
    """No way to run auth0-mock was found, or a configured one does not exist."""


class StartupError(Exception):
    """The mock was started but never became ready."""


@dataclass(frozen=True)
class Launch:
    """How to run the mock: the command line before the mock's own flags, and where."""

    argv: Tuple[str, ...]
    source: str
    cwd: Optional[str] = None

    @property
    def builds_first(self) -> bool:
        return self.cwd is not None

    def describe(self) -> str:
        where = f" in {self.cwd}" if self.cwd else ""
        return f"{' '.join(self.argv)}{where} (from {self.source})"


def parse_issuer(line: str) -> Optional[str]:
    """The issuer from the banner's `  Domain / issuer     http://localhost:PORT/` line."""
    m = _ISSUER_LINE.match(line)
    return m.group(1) if m else None


def is_auth0_mock_manifest(path: Path) -> bool:
    """True for a Cargo.toml whose `[package]` is named `auth0-mock`."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    table = None
    for line in text.splitlines():
        header = _TABLE.match(line)
        if header:
            table = header.group(1)
        elif table == "package" and _PACKAGE_NAME.match(line):
            return True
    return False


def find_checkout(start: Path) -> Optional[Path]:
    """The nearest directory at or above `start` that is a checkout of auth0-mock."""
    start = start.resolve()
    for d in (start, *start.parents):
        if is_auth0_mock_manifest(d / "Cargo.toml"):
            return d
    return None


def _executable(value: str, base: Path, path: Optional[str]) -> Optional[str]:
    p = Path(value).expanduser()
    if not p.is_absolute():
        p = base / p
    if p.is_file() and os.access(p, os.X_OK):
        return str(p)
    # A bare name ("auth0-mock-dev") may also mean a program on PATH.
    if os.sep not in value and (os.altsep is None or os.altsep not in value):
        return shutil.which(value, path=path)
    return None


def not_found_message(rootdir: Path) -> str:
    return (
        "cannot find auth0-mock. Looked, in this order, at:\n"
        "  1. the --auth0-mock-bin option (or the ini setting auth0_mock_bin)\n"
        f"  2. the environment variable {ENV_BIN}\n"
        f"  3. `{BIN_NAME}` on PATH\n"
        f"  4. `{' '.join(CARGO_RUN)}` in a checkout of auth0-mock (a Cargo.toml with "
        f'name = "auth0-mock") at or above the rootdir {rootdir}\n'
        "Install it (`cargo install --path .` in a checkout), point one of the first two at the "
        "binary, or attach to a running mock with --auth0-mock-url / AUTH0_MOCK_URL."
    )


def find_launch(
    explicit: Sequence[Candidate],
    rootdir: Path,
    env: Optional[Mapping[str, str]] = None,
) -> Launch:
    """How to run the mock: the first of `explicit` (option, then environment), then
    `auth0-mock` on PATH, then `cargo run` in a checkout at or above `rootdir`.

    A configured location that does not exist is an error rather than a reason to fall through:
    a typo in the option must not silently run some other build.
    """
    env = os.environ if env is None else env
    path = env.get("PATH")
    for value, base, source in explicit:
        if not value:
            continue
        exe = _executable(value, base, path)
        if exe is None:
            raise BinaryNotFound(
                f"{source} names {value!r}, which is not an executable file"
                + ("" if Path(value).is_absolute() else f" (relative to {base})")
            )
        return Launch(argv=(exe,), source=source)
    on_path = shutil.which(BIN_NAME, path=path)
    if on_path:
        return Launch(argv=(on_path,), source="PATH")
    checkout = find_checkout(rootdir)
    if checkout is not None:
        cargo = shutil.which("cargo", path=path)
        if cargo is None:
            raise BinaryNotFound(
                f"{checkout} is a checkout of auth0-mock, but `cargo` is not on PATH to build it.\n"
                + not_found_message(rootdir)
            )
        return Launch(
            argv=(cargo, *CARGO_RUN[1:]),
            source=f"the checkout {checkout}",
            cwd=str(checkout),
        )
    raise BinaryNotFound(not_found_message(rootdir))


class MockProcess:
    """A running mock: started with `--port 0`, ready once its banner named the issuer and
    `/healthz` answered `OK`."""

    def __init__(
        self,
        launch: Launch,
        args: Sequence[str] = (),
        log_path: Optional[Path] = None,
        env: Optional[Mapping[str, str]] = None,
    ):
        self.launch = launch
        self.args: List[str] = ["--port", "0", *args]
        self.log_path = log_path
        self.issuer: Optional[str] = None
        self._env = dict(os.environ if env is None else env)
        # The log is read by people, not terminals.
        self._env.setdefault("NO_COLOR", "1")
        self._stdout: Deque[str] = collections.deque(maxlen=200)
        self._proc: Optional[subprocess.Popen] = None
        self._log = None
        self._pump: Optional[threading.Thread] = None

    @property
    def pid(self) -> Optional[int]:
        return self._proc.pid if self._proc else None

    @property
    def returncode(self) -> Optional[int]:
        return self._proc.poll() if self._proc else None

    @property
    def command(self) -> List[str]:
        return [*self.launch.argv, *self.args]

    def start(self, timeout: Optional[float] = None) -> str:
        """Starts the mock and returns its issuer once it answers; raises StartupError."""
        if timeout is None:
            timeout = CARGO_START_TIMEOUT if self.launch.builds_first else START_TIMEOUT
        deadline = time.monotonic() + timeout
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "wb")
        try:
            self._proc = subprocess.Popen(
                self.command,
                cwd=self.launch.cwd,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=self._log if self._log is not None else subprocess.DEVNULL,
            )
        except OSError as e:
            self._close_log()
            raise StartupError(f"cannot run {self.launch.describe()}: {e}") from e
        found: "queue.Queue[Optional[str]]" = queue.Queue()
        # The pipe is drained for the process's whole life, or a chatty mock would block on it.
        self._pump = threading.Thread(target=self._read_stdout, args=(found,), daemon=True)
        self._pump.start()
        try:
            issuer = self._wait_for_banner(found, deadline, timeout)
            self._wait_for_health(issuer.rstrip("/"), deadline, timeout)
        except BaseException:
            self.stop()
            raise
        self.issuer = issuer
        return issuer

    def _read_stdout(self, found: "queue.Queue[Optional[str]]") -> None:
        assert self._proc is not None and self._proc.stdout is not None
        told = False
        for raw in self._proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            self._stdout.append(line)
            if not told:
                issuer = parse_issuer(line)
                if issuer:
                    found.put(issuer)
                    told = True
        if not told:
            found.put(None)

    def _wait_for_banner(
        self, found: "queue.Queue[Optional[str]]", deadline: float, timeout: float
    ) -> str:
        try:
            issuer = found.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise StartupError(
                self._failure(f"printed no 'Domain / issuer' line within {timeout:.0f} s")
            ) from None
        if issuer is None:
            code = self._proc.wait(timeout=5) if self._proc else None
            raise StartupError(self._failure(f"exited with status {code} before it was ready"))
        return issuer

    def _wait_for_health(self, base: str, deadline: float, timeout: float) -> None:
        last = "no answer"
        while True:
            if self.returncode is not None:
                raise StartupError(
                    self._failure(f"exited with status {self.returncode} before /healthz answered")
                )
            try:
                r = requests.get(f"{base}/healthz", timeout=2)
                if r.status_code == 200 and r.text.strip() == "OK":
                    return
                last = f"{r.status_code} {r.text[:200]!r}"
            except requests.RequestException as e:
                last = str(e)
            if time.monotonic() >= deadline:
                raise StartupError(
                    self._failure(
                        f"GET {base}/healthz did not answer OK within {timeout:.0f} s ({last})"
                    )
                )
            time.sleep(0.05)

    def output(self) -> str:
        """What the mock printed so far: its stdout, then the end of its stderr log."""
        parts = ["--- stdout ---", *self._stdout]
        if self.log_path is not None:
            try:
                if self._log is not None:
                    self._log.flush()
                tail = self.log_path.read_bytes()[-8000:].decode("utf-8", "replace")
            except OSError:
                tail = ""
            parts += [f"--- stderr (end of {self.log_path}) ---", tail]
        return "\n".join(parts)

    def _failure(self, what: str) -> str:
        return f"auth0-mock {what}: {' '.join(self.command)}\n{self.output()}"

    def stop(self) -> None:
        """Ends the mock (SIGTERM, then SIGKILL after 5 s)."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if self._pump is not None:
            self._pump.join(timeout=2)
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
