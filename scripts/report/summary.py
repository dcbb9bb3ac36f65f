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


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--host', help='host-tests.json')
    ap.add_argument('--kunit', help="kunit.py's --json output")
    ap.add_argument('--kver', default='', help='(unused: results carry their judgement)')
    ap.add_argument('dirs', nargs='*')
    args = ap.parse_args()
    total = {'passed': 0, 'failed': 0, 'skipped': 0, 'xfail': 0}
    stages = []

    def stage(name, passed, failed, skipped, ok, why='', xfail=0):
        if not ok and not failed:
            failed = 1
        total['passed'] += passed
        total['failed'] += failed
        total['skipped'] += skipped
        total['xfail'] += xfail
        stages.append((name, ok, passed, failed, skipped, why, xfail))

    if args.host:
        if os.path.exists(args.host):
            with open(args.host) as f:
                h = json.load(f)
            stage('host tests', h['passed'], h['failed'], h['skipped'], not h['failed'])
        else:
            stage('host tests', 0, 0, 0, False, 'no results')
    for d in args.dirs:
        name = os.path.basename(d.rstrip('/'))
        path = os.path.join(d, 'results.json')
        if not os.path.exists(path):
            stage(name, 0, 0, 0, False, 'no results.json')
            continue
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
        stage(name, p, f, s, r['verdict'] == 'pass', '; '.join(r['reasons'][:3]), x)
    if args.kunit:
        judged = os.path.join(os.path.dirname(os.path.abspath(args.kunit)), 'kunit-verdict.json')
        if os.path.exists(judged):
            with open(judged) as fh:
                r = json.load(fh)
            c = r['summary']
            x = len(r.get('xfail', []))
            stage('kunit.py', c['pass'], c['fail'] + c.get('error', 0) - x, c['skip'],
                  r['verdict'] == 'pass', '; '.join(r['reasons'][:3]), x)
        else:
            stage('kunit.py', 0, 0, 0, False, 'no kunit-verdict.json')

    print('movops check:')
    for name, ok, p, f, s, why, x in stages:
        print(f'  {name:<28} {"PASS" if ok else "FAIL"}  {p} passed, {f} failed, {s} skipped'
              + (f', {x} known kernel failures' if x else '')
              + (f'  ({why})' if why and not ok else ''))
    if total['xfail']:
        print(f'  known kernel failures (XFAIL, counted as neither passed nor failed): '
              f'{total["xfail"]}; see scripts/report/known-failures.txt')
    print(f'{total["passed"]} passed, {total["failed"]} failed, {total["skipped"]} skipped')
    return 0 if all(ok for _, ok, *_ in stages) and stages else 1


if __name__ == '__main__':
    sys.exit(main())
