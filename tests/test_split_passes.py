"""split_passes.py: one boot's stream becomes the main run's KTAP and one
KTAP document per injection pass, each judged by verdict.py with its own
expected failures, as 'make check' does."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = os.path.join(os.path.dirname(HERE), 'scripts', 'report')
SPLIT = os.path.join(SCRIPTS, 'split_passes.py')
VERDICT = os.path.join(SCRIPTS, 'verdict.py')

MAIN = 'KTAP version 1\nok 1 a\nok 2 b\n1..2\n# movops-done failed=0\n'
BALLOON = ('KTAP version 1\nok 1 a\n# b: got 0\nnot ok 2 b\n1..2\n'
           '# movops-done failed=1\n')
ZS = 'KTAP version 1\nnot ok 1 a\nok 2 b\n1..2\n# movops-done failed=1\n'


def stream(*passes):
    return MAIN + ''.join(f'# movops-pass: {n}\n{t}' for n, t in passes)


class SplitPasses(unittest.TestCase):
    def run_split(self, text, names):
        out = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(['rm', '-rf', out]))
        main = os.path.join(out, 'main')
        os.makedirs(main)
        with open(os.path.join(main, 'runner.ktap'), 'w') as f:
            f.write(text)
        with open(os.path.join(main, 'console.log'), 'w') as f:
            f.write(text)
        with open(os.path.join(main, 'vm.json'), 'w') as f:
            json.dump({'ended': 'poweroff'}, f)
        dirs = {n: os.path.join(out, n) for n in names}
        p = subprocess.run([sys.executable, SPLIT, main] + [f'{n}={d}' for n, d in dirs.items()],
                           capture_output=True, text=True)
        return p, main, dirs

    def verdict(self, d, expect):
        p = subprocess.run([sys.executable, VERDICT, '--console', f'{d}/console.log',
                            '--ktap', f'{d}/runner.ktap', '--vm-record', f'{d}/vm.json',
                            '--out', d, '--expect-fail', expect],
                           capture_output=True, text=True)
        return p.returncode, p.stdout

    def test_each_pass_is_judged_with_its_own_expectation(self):
        p, main, dirs = self.run_split(stream(('balloon_fail', BALLOON), ('zs_corrupt', ZS)),
                                       ['balloon_fail', 'zs_corrupt'])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(main, 'runner.ktap')) as f:
            self.assertEqual(f.read(), MAIN)
        self.assertEqual(self.verdict(main, '')[0], 0)
        self.assertEqual(self.verdict(dirs['balloon_fail'], 'b')[0], 0)
        self.assertEqual(self.verdict(dirs['zs_corrupt'], 'a')[0], 0)
        # Exactly and separately: one pass's expectation does not fit the other.
        rc, out = self.verdict(dirs['zs_corrupt'], 'b')
        self.assertEqual(rc, 1)
        self.assertIn('b was expected to fail but is pass', out)
        self.assertIn('a failed', out)

    def test_missing_pass_fails_and_leaves_nothing_stale(self):
        p, main, dirs = self.run_split(stream(('balloon_fail', BALLOON)),
                                       ['balloon_fail', 'zs_corrupt'])
        self.assertEqual(p.returncode, 1)
        self.assertIn('pass zs_corrupt missing', p.stderr)
        rc, out = self.verdict(dirs['zs_corrupt'], 'a')
        self.assertEqual(rc, 1)
        self.assertIn('FAIL', out)

    def test_unnamed_pass_fails(self):
        p, _, _ = self.run_split(stream(('balloon_fail', BALLOON), ('other', ZS)),
                                 ['balloon_fail'])
        self.assertEqual(p.returncode, 1)
        self.assertIn('pass other in the stream but not asked for', p.stderr)


if __name__ == '__main__':
    unittest.main()
