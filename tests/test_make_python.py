"""Every Python script the Makefile runs, it runs with $(PYTHON) (Debian's
python3 by default: the one set-up installs modules for), never with
whatever python3 comes first on PATH (a pyenv shim costs 0.3 s a start)."""
import os
import re
import subprocess
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def recipe_lines():
    """The Makefile's lines that are not comments."""
    with open(os.path.join(TOP, 'Makefile')) as f:
        return [l for l in f.read().split('\n') if not l.lstrip().startswith('#')]


class MakePython(unittest.TestCase):
    def test_no_script_runs_by_path_or_plain_python3(self):
        bad = []
        for line in recipe_lines():
            for m in re.finditer(r'(?:scripts|tests)/[\w/-]+\.py\b', line):
                if not line[:m.start()].rstrip().endswith('$(PYTHON)'):
                    bad.append(line.strip())
        self.assertEqual(bad, [])

    def test_run_uses_the_chosen_python(self):
        out = subprocess.run(['make', '-n', 'run', 'boot', 'verdict', 'KERNEL=debian', 'KVER=6.12',
                              'PYTHON=/opt/py/bin/python3', 'MOVOPS_PASSES=zs_corrupt'],
                             cwd=TOP, capture_output=True, text=True).stdout
        for script in ('scripts/host/vm.py', 'scripts/report/verdict.py',
                       'scripts/report/split_passes.py'):
            self.assertIn(f'/opt/py/bin/python3 {script}', out)

    def test_default_is_debians_python3(self):
        if not os.path.exists('/usr/bin/python3'):
            self.skipTest('no /usr/bin/python3 here')
        out = subprocess.run(['make', '-n', 'verdict', 'KERNEL=debian', 'KVER=6.12'],
                             cwd=TOP, capture_output=True, text=True,
                             env={k: v for k, v in os.environ.items() if k != 'PYTHON'}).stdout
        self.assertIn('/usr/bin/python3 scripts/report/verdict.py', out)


if __name__ == '__main__':
    unittest.main()
