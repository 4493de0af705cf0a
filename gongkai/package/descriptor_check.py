"""The combined descriptor's Frictionless check (validate.descriptor_errors) in a child process started before
it is needed, so that importing Frictionless costs the build no wall time.

Why (issue 17): on a one-report edit the check itself is one changed source entry (validate._unchecked), but
`import frictionless` took ~0.5 CPU-s of the build process at every corpus size: the whole validate phase of
an edit.  The child imports it while the build process publishes the reports and writes the combined files,
then is given the descriptor's path and returns descriptor_errors' answer, the same list.

The child reads one JSON request (a line) on its standard input and writes one JSON answer on its standard output;
with nothing to read (the build failed before the check) it ends.  A child that did not answer is not
trusted: the check is run in the build process instead.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gongkai.package.validate import descriptor_errors


class DescriptorCheck:
    """Starts the child; errors() gives descriptor_errors(descriptor, checked) from it."""

    def __init__(self):
        package_root = str(Path(__file__).resolve().parents[2])  # the folder holding gongkai/
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, env=env)
        except OSError:
            self.proc = None

    def errors(self, descriptor: Path, checked: Path | None = None) -> list[str]:
        proc, self.proc = self.proc, None
        if proc is not None:
            request = json.dumps({"descriptor": str(descriptor), "checked": None if checked is None else str(checked)})
            try:
                out, _ = proc.communicate(request.encode("utf-8") + b"\n")
                answer = json.loads(out) if proc.returncode == 0 else None
            except (OSError, ValueError):
                answer = None
            if isinstance(answer, list) and all(isinstance(e, str) for e in answer):
                return answer
        return descriptor_errors(descriptor, checked)

    def __del__(self) -> None:
        # A build that raised before the check was asked drops it here: the child reads the end of its input and
        # ends, instead of waiting for a request as long as this process lives.
        proc = self.proc
        if proc is not None and proc.stdin is not None and not proc.stdin.closed:
            proc.stdin.close()

    def close(self) -> None:
        """End a child that was never asked (its input closed: it ends on its own)."""
        proc, self.proc = self.proc, None
        if proc is not None:
            proc.stdin.close()
            proc.wait()


def main() -> int:
    from frictionless import Package

    # The import, and the profile's first use, are the cost this process takes off the build's wall time.
    list(Package.metadata_validate({"name": "warm-up", "resources": [{"name": "a", "path": "a.csv"}]}))

    request = sys.stdin.buffer.readline()  # one line: a forked worker may still hold the pipe open
    if not request.strip():
        return 0
    args = json.loads(request)
    checked = args.get("checked")
    sys.stdout.write(json.dumps(descriptor_errors(Path(args["descriptor"]), Path(checked) if checked else None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
