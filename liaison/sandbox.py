"""Parsing of uploaded files in a separate, resource-limited process.

A 21 KB PDF can hold a 10 MB compressed stream of drawing operators that costs a minute of CPU and more
than a gigabyte of memory to lay out; a zip of a few KB can unpack to gigabytes. Such costs must not
land inside a request or a server worker. `run_limited("module:function", *args)` runs the function in
a fresh interpreter (`python -m liaison.sandbox`) whose limits are set before it starts:

- CPU time: RLIMIT_CPU (the kernel stops the process past it),
- memory: RLIMIT_AS (allocations fail past it: MemoryError),
- wall clock: the parent kills the process past it (also covers a process that sleeps or blocks),
- no core dumps, no inherited file descriptors.

Arguments and the result travel pickled over the pipes. An exception raised by the function is raised
again in the caller (same class when it can be pickled); a limit reached raises `ResourceLimitExceeded`
whose message names the setting to raise. Each call reports what the child used (`Usage`: CPU seconds,
peak memory, wall seconds), measured by the kernel (wait4), also when the child was killed.
"""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 60
    memory_mb: int = 1024
    wall_seconds: float = 120.0

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        return cls(settings.parse_cpu_seconds, settings.parse_memory_mb, settings.parse_wall_seconds)


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    max_rss_mb: float
    wall_seconds: float


class ResourceLimitExceeded(Exception):
    """The parsing process went past a limit (`kind`: cpu, memory, wall or crash)."""

    status_code = 422

    def __init__(self, kind: str, message: str, usage: Usage):
        super().__init__(message)
        self.kind, self.usage = kind, usage


_SETTING = {"cpu": "LIAISON_PARSE_CPU_SECONDS", "memory": "LIAISON_PARSE_MEMORY_MB",
            "wall": "LIAISON_PARSE_WALL_SECONDS"}
last_usage = threading.local()  # `.value`: the Usage of this thread's last call (for measurements)


def _apply_limits(cpu_seconds: int, memory_mb: int) -> None:
    """Called first thing in the child (not as a preexec_fn: that is unsafe in a threaded server)."""
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_limited(target: str, *args, limits: Limits, label: str = "the file", **kwargs):
    """Call `target` ("package.module:function") with the arguments in a limited child process."""
    payload = pickle.dumps((target, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
           # Numerical libraries must not start thread pools sized for the whole machine in here.
           "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    started = time.monotonic()
    cpu = str(max(1, int(limits.cpu_seconds)))
    # Own session (process group): a timeout kills whatever the parser started too.
    proc = subprocess.Popen([sys.executable, "-m", "liaison.sandbox", cpu, str(int(limits.memory_mb))],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True,
                            env=env, cwd=str(ROOT), start_new_session=True)
    out: dict[str, bytes] = {}

    def talk() -> None:
        try:
            proc.stdin.write(payload)
            proc.stdin.close()
        except OSError:
            pass  # the child died early; its status says why
        out["stdout"] = proc.stdout.read()
        out["stderr"] = proc.stderr.read()[-4000:]

    reader = threading.Thread(target=talk, daemon=True)
    reader.start()
    # Peak memory of the child itself (VmHWM of its own address space): the kernel's ru_maxrss would
    # also count the parent's pages the child had between fork and exec.
    peak_kb = 0
    deadline = started + limits.wall_seconds
    while reader.is_alive() and time.monotonic() < deadline:
        peak_kb = max(peak_kb, _peak_kb(proc.pid))
        reader.join(0.05)
    timed_out = reader.is_alive()
    if timed_out:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status, rusage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join(5)
    for stream in (proc.stdout, proc.stderr):
        stream.close()
    usage = Usage(cpu_seconds=round(rusage.ru_utime + rusage.ru_stime, 3),
                  max_rss_mb=round((peak_kb or rusage.ru_maxrss) / 1024, 1),
                  wall_seconds=round(time.monotonic() - started, 3))
    last_usage.value = usage
    if timed_out:
        raise _exceeded("wall", label, limits, usage)
    if proc.returncode == -signal.SIGXCPU or proc.returncode == -signal.SIGKILL and \
            usage.cpu_seconds >= limits.cpu_seconds - 0.5:
        raise _exceeded("cpu", label, limits, usage)
    try:
        kind, value = pickle.loads(out.get("stdout") or b"")
    except Exception:  # noqa: BLE001  (killed or crashed before answering)
        stderr = out.get("stderr", b"")
        raise _exceeded("memory" if b"MemoryError" in stderr or proc.returncode == -signal.SIGSEGV else "crash",
                        label, limits, usage) from None
    if kind == "ok":
        return value
    if kind == "memory":
        raise _exceeded("memory", label, limits, usage)
    raise value


def _peak_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _exceeded(kind: str, label: str, limits: Limits, usage: Usage) -> ResourceLimitExceeded:
    what = {"cpu": f"needs more than {limits.cpu_seconds} s of CPU time to read",
            "memory": f"needs more than {limits.memory_mb} MB of memory to read",
            "wall": f"took longer than {limits.wall_seconds:g} s to read",
            "crash": "could not be read (the reader stopped abnormally)"}[kind]
    hint = f" (setting {_SETTING[kind]})" if kind in _SETTING else ""
    return ResourceLimitExceeded(kind, f"{label} {what}{hint}: refused as a possible decompression bomb or "
                                       "damaged file; simplify or split it", usage)


def _child() -> None:
    """Entry point of the limited process: read (target, args, kwargs), call, answer pickled."""
    _apply_limits(int(sys.argv[1]), int(sys.argv[2]))
    import importlib

    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr  # a chatty library must not corrupt the answer
    target, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    module_name, function_name = target.split(":")
    try:
        function = getattr(importlib.import_module(module_name), function_name)
        answer = ("ok", function(*args, **kwargs))
    except MemoryError:
        answer = ("memory", None)
    except Exception as exc:  # noqa: BLE001  (re-raised in the parent)
        try:
            pickle.loads(pickle.dumps(exc))  # the parent must be able to rebuild it
            answer = ("error", exc)
        except Exception:  # noqa: BLE001
            answer = ("error", RuntimeError(f"{type(exc).__name__}: {exc}"))
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    stdout.write(data)
    stdout.flush()


if __name__ == "__main__":
    _child()
