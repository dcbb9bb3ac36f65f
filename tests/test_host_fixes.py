"""Host-side safety: make clean/distclean with spaces in paths, one kernel
fetch at a time, QEMU's stderr never blocking it, warm-check never leaving
the working tree edited."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(path, text, mode=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)
    if mode:
        os.chmod(path, mode)
    return path


class Clean(unittest.TestCase):
    def test_clean_with_a_space_spares_the_siblings(self):
        with tempfile.TemporaryDirectory() as d:
            clone = os.path.join(d, 'my clone')
            cache = os.path.join(d, 'cache dir')
            os.makedirs(os.path.join(clone, 'build', 'results'))
            shutil.copy(os.path.join(TOP, 'Makefile'), clone)
            write(os.path.join(cache, 'kernel', 'x'), 'cached')
            # The siblings a split path would name: "<d>/my" and "<d>/cache".
            mine = write(os.path.join(d, 'my', 'keep'), 'sibling')
            other = write(os.path.join(d, 'cache', 'keep'), 'sibling')
            p = subprocess.run(['make', '-s', '-C', clone, 'distclean',
                                f'MOVOPS_CACHE={cache}'], capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertTrue(os.path.exists(mine), 'make clean deleted a sibling')
            self.assertTrue(os.path.exists(other), 'make distclean deleted a sibling')
            self.assertFalse(os.path.exists(os.path.join(clone, 'build')))
            self.assertFalse(os.path.exists(cache))
            self.assertTrue(os.path.exists(os.path.join(clone, 'Makefile')))


if __name__ == '__main__':
    unittest.main()
