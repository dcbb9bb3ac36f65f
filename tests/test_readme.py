"""The README stays true to the code: its first lines are the two commands,
and every counter movops.ko prints has a row in its counter tables."""
import os
import re
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(*path):
    with open(os.path.join(TOP, *path)) as f:
        return f.read()


def counters_in_code():
    """Names main.c prints in the counters file."""
    src = read('module', 'main.c')
    names = set(re.findall(r'\[MV_C_\w+\]\s*=\s*"(\w+)"', src))
    names |= set(re.findall(r'mv_put\(m,\s*"(\w+)"', src))
    return names


def documented(readme):
    """Backticked names in README table rows; 'prefix_*' rows cover a family."""
    exact, prefixes = set(), []
    for line in readme.splitlines():
        if not line.startswith('|'):
            continue
        for tok in re.findall(r'`([a-z0-9_*{},]+)`', line):
            if tok.endswith('*'):
                prefixes.append(tok[:-1])
            else:
                exact.add(tok)
    return exact, prefixes


class Readme(unittest.TestCase):
    def test_first_lines_are_the_two_commands(self):
        first = read('README.md').splitlines()[:2]
        self.assertEqual([l.split('#')[0].strip() for l in first],
                         ['make run', 'make check'])
        ci = read('.ci', 'run')
        self.assertIn('make check', ci)

    def test_every_counter_is_documented(self):
        names = counters_in_code()
        self.assertGreater(len(names), 50)
        exact, prefixes = documented(read('README.md'))
        missing = sorted(n for n in names if n not in exact
                         and not any(n.startswith(p) for p in prefixes))
        self.assertEqual(missing, [], 'counters with no README row')


if __name__ == '__main__':
    unittest.main()
