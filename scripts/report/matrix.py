#!/usr/bin/env python3
"""Side-by-side results of several kernel versions.

Usage: matrix.py OUT_DIR KVER=RESULTS_DIR...
Reads each RESULTS_DIR/results.json (the VM run, KUnit results merged) and
RESULTS_DIR/kunit.json (kunit.py), prints one table (test, result per
version), then key counters per version; writes OUT_DIR/matrix.md and
OUT_DIR/matrix.json. Exit 1 if any version's run failed or a version is
missing results. A test one version runs and another does not shows as '-'.
"""
import json
import os
import sys

import known_failures

KEY_COUNTERS = ['balloon_migrated', 'zs_migrated', 'balloon_callback_foreign',
                'ops_mismatch', 'zs_verify_fail', 'nonmovable_moved',
                'compaction_balloon_moved', 'offline_pages_moved',
                'memfree_before_kb', 'memfree_after_kb']


def cell(t, known):
    if t is None:
        return '-'
    st = t['status'].upper()
    if st == 'FAIL' and t['name'] in known:
        return 'XFAIL'
    if st == 'SKIP':
        why = t.get('directive', '')[4:].strip()
        return f'SKIP ({why})' if why else 'SKIP'
    return st


def load_run(d):
    """One target's results directory: the VM run's tests with kunit.py's
    cases beside them ('kunit.py:NAME'), its counters, verdict and the
    known failures each run judged XFAIL; None if it has no results."""
    path = os.path.join(d, 'results.json')
    if not os.path.exists(path):
        return None
    with open(path) as f:
        r = json.load(f)
    tests = {t['name']: t for t in r['tests']}
    kpath = os.path.join(d, 'kunit.json')
    if os.path.exists(kpath):
        with open(kpath) as f:
            for name, status in known_failures.kunit_cases(json.load(f)):
                # kunit.py's JSON drops a SKIP's reason; the VM run's
                # KUnit module gives the same case the same reason.
                vm = tests.get(name, {})
                why = vm.get('directive', '') if status == 'SKIP' and \
                    vm.get('status', '').upper() == 'SKIP' else ''
                tests['kunit.py:' + name] = {'name': name, 'status': status.lower(),
                                             'directive': why}
    # The known failures each run judged XFAIL (verdict.py, and
    # known_failures.py's kunit-verdict.json).
    known = {x['name'] for x in r.get('xfail', [])}
    kv = os.path.join(d, 'kunit-verdict.json')
    if os.path.exists(kv):
        with open(kv) as f:
            known |= {x['name'] for x in json.load(f).get('xfail', [])}
    return {'verdict': r['verdict'], 'tests': tests,
            'counters': r.get('counters', {}), 'known': known}


def tables(runs):
    """(test names, rows of cells, the Markdown lines) of the matrix."""
    names = []
    for _, r in runs:
        for n in (r['tests'] if r else {}):
            if n not in names:
                names.append(n)
    kvers = [k for k, _ in runs]
    rows = [[n] + [cell(r['tests'].get(n), r['known']) if r else 'no results'
                   for _, r in runs] for n in names]
    md = ['| test | ' + ' | '.join(kvers) + ' |', '|---' * (len(kvers) + 1) + '|']
    md += ['| ' + ' | '.join(row) + ' |' for row in rows]
    md += ['', '| counter | ' + ' | '.join(kvers) + ' |', '|---' * (len(kvers) + 1) + '|']
    for c in KEY_COUNTERS:
        md.append(f'| {c} | ' + ' | '.join((r['counters'].get(c, '-') if r else '-')
                                           for _, r in runs) + ' |')
    md += ['', '| verdict | ' + ' | '.join((r['verdict'] if r else 'no results')
                                           for _, r in runs) + ' |']
    return names, rows, md


def write(out, runs, names, md):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'matrix.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    with open(os.path.join(out, 'matrix.json'), 'w') as f:
        json.dump({'versions': [k for k, _ in runs],
                   'tests': {n: {k: cell(r['tests'].get(n), r['known']) if r else None
                                 for k, r in runs} for n in names},
                   'counters': {k: ({c: r['counters'].get(c) for c in KEY_COUNTERS}
                                    if r else None) for k, r in runs},
                   'verdicts': {k: r['verdict'] if r else None for k, r in runs}},
                  f, indent=1)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = argv[1]
    runs = []
    for arg in argv[2:]:
        kver, d = arg.split('=', 1)
        runs.append((kver, load_run(d)))
        if runs[-1][1] is None:
            print(f'movops: {kver}: no results in {d}', file=sys.stderr)
    ok = all(r and r['verdict'] == 'pass' for _, r in runs)
    names, rows, md = tables(runs)
    write(out, runs, names, md)
    if rows:
        head = ['test'] + [k for k, _ in runs]
        width = [max(len(x) for x in col) for col in zip(head, *rows)]
        print('  '.join(h.ljust(w) for h, w in zip(head, width)))
        for row in rows:
            print('  '.join(c.ljust(w) for c, w in zip(row, width)))
    print('\n'.join(md[len(rows) + 2:]))
    print(f'matrix: {out}/matrix.md')
    return 0 if ok else 1

if __name__ == '__main__':
    sys.exit(main(sys.argv))
