"""The sanitizer flavours (debug, kcsan) get the longer silence and hung-task
budgets: a kcsan guest at kcsan.skip_watch=40 printed its heartbeat 18.7 s
apart and a SILENCE of 20 ended its clean stress run as hung."""
import os
import re
import subprocess
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def budgets(flavor):
    out = subprocess.run(['make', '-n', 'boot', f'FLAVOR={flavor}', 'KERNEL=debian', 'KVER=6.12'],
                         cwd=TOP, capture_output=True, text=True).stdout
    m = re.search(r'--silence (\d+) --hung (\d+)', out)
    return m and (int(m.group(1)), int(m.group(2)))


class SlowFlavors(unittest.TestCase):
    def test_sanitizers_get_the_long_budgets(self):
        self.assertEqual(budgets('default'), (20, 60))
        self.assertEqual(budgets('debug'), (60, 180))
        self.assertEqual(budgets('kcsan'), (60, 180))
