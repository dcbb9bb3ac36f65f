#!/usr/bin/env python3
"""Total the stages of 'make check' into one closing line.

Usage: summary.py [--kunit KUNIT_JSON] RESULTS_DIR...
Reads build/results/host-tests.json, each RESULTS_DIR/results.json and
kunit.py's judged results (kunit-verdict.json beside KUNIT_JSON, written by
known_failures.py). In an injection run, a test that was expected to fail and
failed counts as passed (the expectation held); a known kernel failure that
failed as described counts as XFAIL. A stage that failed without a failing
test (a splat, a timeout, no results) counts as one failure.
Exit 1 if any stage failed.
"""
import argparse
import json
import os
import sys


def host_stage(path):
    """(name, passed, failed, skipped, ok, why, xfail) of the host tests."""
    if not os.path.exists(path):
        return 'host tests', 0, 0, 0, False, 'no results', 0
    with open(path) as f:
        h = json.load(f)
    return 'host tests', h['passed'], h['failed'], h['skipped'], not h['failed'], '', 0


def run_stage(d):
    """The same of a VM run's results directory: an expected failure passes."""
    name = os.path.basename(d.rstrip('/'))
    path = os.path.join(d, 'results.json')
    if not os.path.exists(path):
        return name, 0, 0, 0, False, 'no results.json', 0
    with open(path) as f:
        r = json.load(f)
    expect = set(r.get('expect_fail', []))
    known = {x['name'] for x in r.get('xfail', [])}
    p = f = s = x = 0
    for t in r['tests']:
        if t['status'] == 'skip':
            s += 1
        elif t['status'] == 'fail' and t['name'] in known:
            x += 1
        elif (t['status'] == 'fail') == (t['name'] in expect):
            p += 1
        else:
            f += 1
    return name, p, f, s, r['verdict'] == 'pass', '; '.join(r['reasons'][:3]), x


def kunit_stage(path):
    """The same of kunit.py's run, as known_failures.py judged it."""
    judged = os.path.join(os.path.dirname(os.path.abspath(path)), 'kunit-verdict.json')
    if not os.path.exists(judged):
        return 'kunit.py', 0, 0, 0, False, 'no kunit-verdict.json', 0
    with open(judged) as fh:
        r = json.load(fh)
    c = r['summary']
    x = len(r.get('xfail', []))
    return ('kunit.py', c['pass'], c['fail'] + c.get('error', 0) - x, c['skip'],
            r['verdict'] == 'pass', '; '.join(r['reasons'][:3]), x)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--host', help='host-tests.json')
    ap.add_argument('--kunit', help="kunit.py's --json output")
    ap.add_argument('--kver', default='', help='(unused: results carry their judgement)')
    ap.add_argument('dirs', nargs='*')
    args = ap.parse_args()
    stages = (([host_stage(args.host)] if args.host else [])
              + [run_stage(d) for d in args.dirs]
              + ([kunit_stage(args.kunit)] if args.kunit else []))
    # A stage that failed without a failed test counts one failure.
    stages = [(n, p, f or (0 if ok else 1), s, ok, why, x)
              for n, p, f, s, ok, why, x in stages]
    total = [sum(st[k] for st in stages) for k in (1, 2, 3, 6)]
    print('movops check:')
    for name, p, f, s, ok, why, x in stages:
        print(f'  {name:<28} {"PASS" if ok else "FAIL"}  {p} passed, {f} failed, {s} skipped'
              + (f', {x} known kernel failures' if x else '')
              + (f'  ({why})' if why and not ok else ''))
    if total[3]:
        print(f'  known kernel failures (XFAIL, counted as neither passed nor failed): '
              f'{total[3]}; see scripts/report/known-failures.txt')
    print(f'{total[0]} passed, {total[1]} failed, {total[2]} skipped')
    return 0 if all(st[4] for st in stages) and stages else 1

if __name__ == '__main__':
    sys.exit(main())
