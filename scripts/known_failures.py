#!/usr/bin/env python3
"""Known kernel failures (scripts/known-failures.txt) and kunit.py's verdict.

Usage: known_failures.py KVER KUNIT_JSON
Judges kunit.py's JSON like verdict.py judges a VM run: every failure must be
a known one for KVER, every known one must fail. Exit 1 otherwise.
"""
import json
import os
import sys

LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'known-failures.txt')


def load(kver, path=LIST):
    """{test name: reason} for KVER."""
    known = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, 2)
            if len(parts) == 3 and parts[0] == kver:
                known[parts[1]] = parts[2]
    return known


def kunit_cases(node, prefix=''):
    """(dotted name, status) of every leaf test in kunit.py's JSON tree."""
    name = node.get('name', '')
    here = prefix if name in ('', 'KUnit Test Group') else f'{prefix}{name}.'
    for case in node.get('test_cases', []):
        yield f'{here}{case["name"]}', case['status']
    for sub in node.get('sub_groups', []):
        yield from kunit_cases(sub, here)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    known = load(argv[1])
    try:
        with open(argv[2]) as f:
            cases = list(kunit_cases(json.load(f)))
    except (OSError, ValueError) as e:
        print(f'movops: no kunit.py results: {e}', file=sys.stderr)
        return 1
    bad = []
    for name, status in cases:
        if name in known:
            if status == 'FAIL':
                print(f'movops: XFAIL {name}: {known[name]}')
            else:
                bad.append(f'XPASS {name} ({status}): known failure did not fail; '
                           'drop it from scripts/known-failures.txt if the kernel is fixed')
        elif status not in ('PASS', 'SKIP'):
            bad.append(f'{name}: {status}')
    names = {n for n, _ in cases}
    bad += [f'{n}: known failure did not run' for n in sorted(set(known) - names)]
    if not cases:
        bad.append('no test case ran')
    for b in bad:
        print(f'movops: kunit.py: {b}', file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
