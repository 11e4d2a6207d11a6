"""The shipped systemd unit: valid for systemd 252 and hardened."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from harness import LEADD_BIN, SOURCE_DIR

UNIT = os.path.join(SOURCE_DIR, "systemd", "leadd.service")


class SystemdUnitTest(unittest.TestCase):
    def test_unit_verifies_cleanly(self):
        # verify needs the binaries the unit names: point them at the build's.
        work = tempfile.mkdtemp(prefix="leadd-unit-")
        try:
            with open(UNIT) as f:
                text = f.read().replace("/usr/bin/leadd", os.path.abspath(LEADD_BIN))
            unit = os.path.join(work, "leadd.service")
            with open(unit, "w") as f:
                f.write(text)
            result = subprocess.run(["systemd-analyze", "verify", "--man=no", unit],
                                    capture_output=True, text=True, timeout=60)
            # systemd 252 exits 0 on unknown keys: any output is a finding.
            findings = [line for line in (result.stdout + result.stderr).splitlines()
                        if line.strip() and "leadd.service" in line]
            self.assertEqual(findings, [])
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_exposure_is_low(self):
        result = subprocess.run(["systemd-analyze", "security", "--offline=yes", UNIT],
                                capture_output=True, text=True, timeout=60)
        match = re.search(r"Overall exposure level for leadd.service: ([0-9.]+)", result.stdout)
        self.assertIsNotNone(match, result.stdout + result.stderr)
        self.assertLessEqual(float(match.group(1)), 2.0)


if __name__ == "__main__":
    unittest.main()
