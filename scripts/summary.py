#!/usr/bin/env python3
"""Total the stages of 'make check' into one closing line.

Usage: summary.py RESULTS_DIR...
Reads build/results/host-tests.json and each RESULTS_DIR/results.json.
A test that an injection run expected to fail, and that failed, counts as
passed there (the expectation held). Exit 1 if any stage failed.
"""
import json
import os
import sys


def main(argv):
    passed = failed = skipped = 0
    bad = []
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    host = os.path.join(top, 'build', 'results', 'host-tests.json')
    if os.path.exists(host):
        with open(host) as f:
            h = json.load(f)
        passed += h['passed']
        failed += h['failed']
        skipped += h['skipped']
    for d in argv[1:]:
        path = os.path.join(d, 'results.json')
        if not os.path.exists(path):
            bad.append(f'{d}: no results.json')
            failed += 1
            continue
        with open(path) as f:
            r = json.load(f)
        expect = set(r.get('expect_fail', []))
        for t in r['tests']:
            if t['status'] == 'skip':
                skipped += 1
            elif (t['status'] == 'fail') == (t['name'] in expect):
                passed += 1
            else:
                failed += 1
        print(f'movops check: {os.path.basename(d.rstrip("/"))}: {r["verdict"].upper()}')
        if r['verdict'] != 'pass':
            bad.append(f'{d}: ' + '; '.join(r['reasons'][:3]))
            failed += 0 if r['reasons'] and any('failed' in x for x in r['reasons']) else 1
    for b in bad:
        print(f'  - {b}')
    print(f'{passed} passed, {failed} failed, {skipped} skipped')
    return 1 if bad or failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
