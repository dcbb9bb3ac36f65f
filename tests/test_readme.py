"""The documentation stays true to the code: the README's first lines are the
two commands, it stays short (at most 200 lines) and its links into docs/
resolve, every counter movops.ko prints has a row in the counter tables
of docs/interface.md, and every row there names a counter."""
import os
import re
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(*path):
    with open(os.path.join(TOP, *path)) as f:
        return f.read()


def counters_in_code():
    """Names movops.ko prints in the counters file: the event counters,
    defined once in module/counter_list.h, and the state figures that
    module/status.c prints."""
    names = set(re.findall(r'^MV_COUNTER\((\w+)\),$', read('module', 'counter_list.h'),
                           re.M))
    names |= set(re.findall(r'mv_put\(m,\s*"(\w+)"', read('module', 'status.c')))
    return names


# Where the counters are documented, one table row each.
COUNTER_DOC = ('docs', 'interface.md')
README_MAX_LINES = 200


def documented(text):
    """Backticked names in markdown table rows; 'prefix_*' rows cover a family."""
    exact, prefixes = set(), []
    for line in text.splitlines():
        if not line.startswith('|'):
            continue
        for tok in re.findall(r'`([a-z0-9_*{},]+)`', line):
            if tok.endswith('*'):
                prefixes.append(tok[:-1])
            else:
                exact.add(tok)
    return exact, prefixes


def counter_rows(text):
    """Names in the first column of the counter tables (header '| counter |');
    '`a_b_c` / `_d`' abbreviates a_b_d."""
    names, intable = [], False
    for line in text.splitlines():
        if line.startswith('| counter |'):
            intable = True
            continue
        if not line.startswith('|'):
            intable = False
        if not intable or line.startswith('|---'):
            continue
        first = None
        for tok in re.findall(r'`([a-z0-9_*{},]+)`', line.split('|')[1]):
            if tok.startswith('_') and first:
                tok = first.rsplit('_', 1)[0] + tok
            else:
                first = tok
            names.append(tok)
    return names


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
        exact, prefixes = documented(read(*COUNTER_DOC))
        missing = sorted(n for n in names if n not in exact
                         and not any(n.startswith(p) for p in prefixes))
        self.assertEqual(missing, [], 'counters with no row in ' +
                         '/'.join(COUNTER_DOC))

    def test_every_counter_row_is_a_counter(self):
        """The counter tables follow the code: no row for a counter that
        module/counter_list.h or module/status.c does not have."""
        names = counters_in_code()
        stale = [r for r in counter_rows(read(*COUNTER_DOC))
                 if r not in names and not (r.endswith('*') and
                                            any(n.startswith(r[:-1]) for n in names))]
        self.assertEqual(stale, [], 'rows in ' + '/'.join(COUNTER_DOC) +
                         ' naming no counter')

    def test_readme_is_short(self):
        n = len(read('README.md').splitlines())
        self.assertLessEqual(n, README_MAX_LINES,
                             'README.md has %d lines: move depth to docs/' % n)

    def test_links_resolve(self):
        """Every relative link in README.md and docs/*.md names a file that exists."""
        docs = [('README.md',)] + [('docs', f) for f in
                                   sorted(os.listdir(os.path.join(TOP, 'docs')))
                                   if f.endswith('.md')]
        broken = []
        for doc in docs:
            base = os.path.dirname(os.path.join(TOP, *doc))
            for target in re.findall(r'\]\(([^)#\s]+)[^)]*\)', read(*doc)):
                if re.match(r'[a-z]+:', target):
                    continue
                if not os.path.exists(os.path.join(base, target)):
                    broken.append('%s -> %s' % ('/'.join(doc), target))
        self.assertEqual(broken, [], 'links to files that do not exist')


if __name__ == '__main__':
    unittest.main()
