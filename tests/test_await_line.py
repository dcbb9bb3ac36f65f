"""scripts/host/await-line.sh: make check starts its host-side steps when the
guest's stress phase begins (a line on the KTAP port) or when the VM run
has ended without one (a stop file); never before either."""
import os
import subprocess
import tempfile
import threading
import time
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AWAIT = os.path.join(TOP, 'scripts', 'host', 'await-line.sh')
PAT = '^# movops-stress-check:'


def later(delay, fn):
    t = threading.Timer(delay, fn)
    t.start()
    return t


def append(path, text):
    with open(path, 'a') as f:
        f.write(text)


class AwaitLine(unittest.TestCase):
    def run_await(self, d, timeout=20):
        t0 = time.monotonic()
        p = subprocess.run([AWAIT, os.path.join(d, 'runner.ktap'), PAT, os.path.join(d, 'stop')],
                           capture_output=True, text=True, timeout=timeout)
        self.assertEqual(p.returncode, 0, p.stderr)
        what, secs = p.stdout.split()
        return what, float(secs), time.monotonic() - t0

    def test_the_line_starts_it_not_the_lines_before(self):
        with tempfile.TemporaryDirectory() as d:
            ktap = os.path.join(d, 'runner.ktap')
            # The file appears late, and first without the line (a diag
            # line that only contains the words does not count).
            later(0.3, lambda: append(ktap, 'KTAP version 1\nok 1 x # movops-stress-check: no\n'))
            later(1.2, lambda: append(ktap, '# movops-stress-check: begins\r\n'))
            stop = later(8, lambda: append(os.path.join(d, 'stop'), ''))
            try:
                what, secs, wall = self.run_await(d)
            finally:
                stop.cancel()
            self.assertEqual(what, 'await-line')
            self.assertGreaterEqual(secs, 1.0)
            self.assertLess(wall, 7)

    def test_a_vm_run_that_ended_without_the_line_stops_it(self):
        with tempfile.TemporaryDirectory() as d:
            append(os.path.join(d, 'runner.ktap'), 'KTAP version 1\nnot ok 1 movops_load\n')
            later(0.8, lambda: append(os.path.join(d, 'stop'), ''))
            what, secs, wall = self.run_await(d)
            self.assertEqual(what, 'await-stop')
            self.assertGreaterEqual(secs, 0.7)

    def test_the_line_counts_when_the_stop_file_is_there_too(self):
        with tempfile.TemporaryDirectory() as d:
            append(os.path.join(d, 'runner.ktap'), '# movops-stress-check: begins\n')
            append(os.path.join(d, 'stop'), '')
            what, secs, wall = self.run_await(d)
            self.assertEqual(what, 'await-line')
            self.assertLess(secs, 1)


if __name__ == '__main__':
    unittest.main()
