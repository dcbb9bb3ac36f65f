"""scripts/host/progress.sh (progress() of common.sh) and vm.py's Progress: a
long step prints a line every PROGRESS_S seconds, a short one prints
nothing, the step's exit status comes through."""
import contextlib
import io
import os
import subprocess
import tempfile
import unittest

import vm

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRESS = os.path.join(TOP, 'scripts', 'host', 'progress.sh')


def run(*args, every='1'):
    env = dict(os.environ, PROGRESS_S=every)
    p = subprocess.run([PROGRESS] + list(args), env=env, capture_output=True,
                       text=True, timeout=30)
    return p.returncode, p.stderr.splitlines()


class ProgressSh(unittest.TestCase):
    # The ticker's seconds are wall-clock seconds on a shared machine:
    # the tests ask for lines and their shape, not for exact timings.
    def test_long_step_counts_objects_out_of_the_estimate(self):
        with tempfile.TemporaryDirectory() as d:
            open(os.path.join(d, 'old.o'), 'w').close()   # before the start: not counted
            rc, lines = run('building kernel', '--new-objects', d, '--total', '4', '--',
                            'sh', '-c', 'sleep 0.1; touch "$1/a.o"; sleep 3.5; exit 3', 'sh', d)
        self.assertEqual(rc, 3)
        self.assertGreaterEqual(len(lines), 1, lines)
        for line in lines:
            self.assertRegex(line, r'^movops: building kernel: [01] of ~4 objects '
                             r'\((0|25)%\), elapsed \ds$')
        self.assertIn('1 of ~4 objects (25%)', lines[-1])

    def test_past_the_estimate_counts_without_it(self):
        with tempfile.TemporaryDirectory() as d:
            open(os.path.join(d, 'old.o'), 'w').close()   # --objects: counted
            rc, lines = run('build', '--objects', d, '--total', '1', '--',
                            'sh', '-c', 'touch "$1/a.o"; sleep 3.5', 'sh', d)
        self.assertEqual(rc, 0)
        self.assertGreaterEqual(len(lines), 1, lines)
        for line in lines:
            self.assertRegex(line, r'^movops: build: 2 objects, elapsed \ds$')

    def test_short_step_is_quiet(self):
        rc, lines = run('fetching', '--', 'true', every='5')
        self.assertEqual((rc, lines), (0, []))

    def test_without_objects_minutes(self):
        """No --objects: what and how long; m:ss past a minute (date faked)."""
        with tempfile.TemporaryDirectory() as d:
            fake = os.path.join(d, 'date')
            with open(fake, 'w') as f:       # the start, then 83 s later
                f.write('#!/bin/sh\nif [ -e %s/started ]; then echo 1083; '
                        'else : > %s/started; echo 1000; fi\n' % (d, d))
            os.chmod(fake, 0o755)
            env = dict(os.environ, PROGRESS_S='1', PATH=d + ':' + os.environ['PATH'])
            p = subprocess.run([PROGRESS, 'x', '--', 'sleep', '4'], env=env,
                               capture_output=True, text=True, timeout=30)
        self.assertIn('movops: x: elapsed 1m23s', p.stderr.splitlines())


class VmProgress(unittest.TestCase):
    def test_counts_ktap_results_every_period(self):
        os.environ['PROGRESS_S'] = '10'
        try:
            p = vm.Progress(start=100.0, timeout=300)
        finally:
            del os.environ['PROGRESS_S']
        p.tick(105.0)                       # before the first period: nothing
        p.lines([b'KTAP version 1', b'1..3', b'ok 1 a', b'    not ok 1 b', b'# x'])
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            p.tick(105.0)
            p.tick(110.0)
            p.tick(115.0)
            p.tick(120.5)
        seen = err.getvalue().splitlines()
        self.assertEqual(seen, [
            'movops: guest: 2 results (1 not ok), elapsed 10s of TIMEOUT=300s',
            'movops: guest: 2 results (1 not ok), elapsed 20s of TIMEOUT=300s'])


if __name__ == '__main__':
    unittest.main()
