"""make matrix -jN: how many targets run at once (scripts/host/matrix-jobs.sh),
and that scripts/host/matrix.mk really runs them side by side."""
import os
import subprocess
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JOBS = os.path.join(TOP, 'scripts', 'host', 'matrix-jobs.sh')
MK = os.path.join(TOP, 'scripts', 'host', 'matrix.mk')
GIB = 1024 * 1024


def jobs(want, nproc, mem_gib):
    env = dict(os.environ, MOVOPS_NPROC=str(nproc), MOVOPS_MEMAVAIL_KB=str(mem_gib * GIB))
    return int(subprocess.run([JOBS] + ([want] if want else []), env=env, check=True,
                              capture_output=True, text=True).stdout)


class MatrixJobs(unittest.TestCase):
    def test_serial_unless_asked(self):
        self.assertEqual(jobs(None, 16, 64), 1)

    def test_two_cores_stay_serial(self):
        # This machine: 2 cores, 24 GiB.
        self.assertEqual(jobs('4', 2, 24), 1)
        self.assertEqual(jobs('unlimited', 2, 24), 1)

    def test_cores_memory_and_request_each_bound_it(self):
        self.assertEqual(jobs('unlimited', 8, 64), 4)   # cores
        self.assertEqual(jobs('unlimited', 16, 7), 2)   # memory
        self.assertEqual(jobs('3', 16, 64), 3)          # -j3
        self.assertEqual(jobs('unlimited', 8, 2), 1)    # never 0


class FanOut(unittest.TestCase):
    """Two fake targets, each waiting for the other to have started: they
    finish only if they run at the same time."""

    def fan_out(self, j):
        with tempfile.TemporaryDirectory() as top:
            with open(os.path.join(top, 'Makefile'), 'w') as f:
                f.write('run:\n\t@touch started-$(KVER); n=0; '
                        'while [ ! -e started-$(if $(filter a,$(KVER)),b,a) ]; do '
                        'n=$$((n + 1)); [ $$n -lt 30 ] || exit 1; sleep 0.1; done\n'
                        'kunit:\n\t@:\n')
            p = subprocess.run(['make', '-f', MK, '-k', f'-j{j}', 'TARGETS=a b',
                                f'TOP={top}', f'BUILD={top}'], capture_output=True, text=True)
            return p.returncode

    def test_side_by_side_with_j2(self):
        self.assertEqual(self.fan_out(2), 0)

    def test_one_by_one_with_j1(self):
        self.assertNotEqual(self.fan_out(1), 0)


if __name__ == '__main__':
    unittest.main()
