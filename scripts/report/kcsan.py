#!/usr/bin/env python3
"""KCSAN data-race reports (FLAVOR=kcsan), judged against movops' scope.

KCSAN prints "BUG: KCSAN: data-race in A / B" (or "in A" when the other
side is unknown). A race fails the run when either side is a function of the
movable_ops migration paths (SCOPE) and the pair is not on the allow-list of
known benign races (scripts/report/kcsan-allow.txt, each entry with its reason).
Races elsewhere in the kernel are reported, not failed: they are not what
movops tests.

Usage: kcsan.py CONSOLE_LOG...   prints each report and its judgement, then
                                 a count of each; exit 1 if any race fails.
(make stress FLAVOR=kcsan runs it after the verdict: RESULTS/kcsan.txt.)
"""
import fnmatch
import os
import re
import sys

from expectations import list_lines

HERE = os.path.dirname(os.path.abspath(__file__))
ALLOW = os.path.join(HERE, 'kcsan-allow.txt')

# The movable_ops paths: the core (mm/migrate.c, mm/compaction.c,
# mm/page_isolation.c, offlining), the balloon and zsmalloc owners, and
# movops' own modules (mv_, ms_, mk_ functions).
SCOPE = ['balloon_*', 'zs_*', '*zspage*', '*zpdesc*', '*movable_ops*', 'set_movable_ops',
         'isolate_migratepages*', 'isolate_folio_to_list', 'migrate_pages*',
         'migrate_folio*', 'move_to_new_folio', 'putback_movable_pages',
         'alloc_contig_*', 'start_isolate_page_range', 'undo_isolate_page_range',
         'has_unmovable_pages', 'page_is_unmovable', 'do_migrate_range', 'scan_movable_pages',
         'offline_pages', 'virtballoon_*', 'mv_*', 'ms_*', 'mk_*']

# A function of a module is followed by its name ("f [movops]": KCSAN's
# title prints symbols as %ps does), on either side.
_REPORT = re.compile(r'BUG: KCSAN: ([\w-]+) in (\S+)(?: \[[\w-]+\])?(?: / (\S+))?')


def _base(fn):
    """'balloon_page_isolate+0x12/0x80 [mod]' -> 'balloon_page_isolate'."""
    return fn.split('+')[0].split('.')[0]


def load_allow(path=ALLOW):
    """[(pattern A, pattern B, reason)]; '*' matches any function."""
    out = []
    for where, line in list_lines(path):
        m = re.match(r'(\S+)\s*/\s*(\S+)\s+(.+)$', line)
        if not m:
            raise ValueError(f'{where}: needs "A / B REASON"')
        out.append(m.groups())
    return out


def in_scope(fn):
    return any(fnmatch.fnmatchcase(fn, p) for p in SCOPE)


def judge(text, allow=None):
    """('fail' | 'allowed' | 'outside', why) for one KCSAN report line, or
    None when the line is not a KCSAN report."""
    m = _REPORT.search(text)
    if not m:
        return None
    a = _base(m.group(2))
    b = _base(m.group(3)) if m.group(3) else '?'
    allow = load_allow() if allow is None else allow
    for pa, pb, reason in allow:
        if ((fnmatch.fnmatchcase(a, pa) and fnmatch.fnmatchcase(b, pb)) or
                (fnmatch.fnmatchcase(a, pb) and fnmatch.fnmatchcase(b, pa))):
            return 'allowed', f'{a} / {b}: {reason}'
    if in_scope(a) or in_scope(b):
        return 'fail', f'data race in the movable_ops paths: {a} / {b}'
    return 'outside', f'{a} / {b}: outside the movable_ops paths (reported, not failed)'


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    allow = load_allow()
    counts = {'fail': 0, 'allowed': 0, 'outside': 0}
    for path in argv[1:]:
        try:
            with open(path, 'rb') as f:
                lines = f.read().decode('utf-8', errors='replace').splitlines()
        except OSError as e:
            # A run that left no console failed its verdict already.
            print(f'movops: KCSAN: no console log to read: {e}')
            continue
        for n, line in enumerate(lines, 1):
            j = judge(line, allow)
            if j:
                print(f'movops: KCSAN {j[0]} at {path}:{n}: {j[1]}')
                counts[j[0]] += 1
    print(f'movops: KCSAN: {sum(counts.values())} reports: {counts["fail"]} in the movable_ops '
          f'paths (failures), {counts["allowed"]} allow-listed, {counts["outside"]} outside them')
    return 1 if counts['fail'] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
