#!/usr/bin/env python3
"""Judge kunit.py's results as verdict.py judges a VM run.

Usage: known_failures.py [--config .config] [--flavor F] [--patches NAMES]
                         [--console kunit-console.log] [--out VERDICT_JSON]
                         KVER KUNIT_JSON

kunit.py's JSON gives each case's status (PASS, FAIL, SKIP, ERROR) but not
why: the failing expectation and the skip's reason come from its console log
(the tree's test.log, copied to kunit-console.log), parsed as KTAP. Then
scripts/report/expectations.py applies the same lists as to a VM run: every failure
must be a known one that failed as described, every skip an expected one.
Writes the judgement to VERDICT_JSON (default: kunit-verdict.json beside
KUNIT_JSON), which summary.py reads. Exit 1 if the run fails.
"""
import argparse
import json
import os
import sys

import expectations
import ktap

_STATUS = {'PASS': 'pass', 'FAIL': 'fail', 'SKIP': 'skip'}


def kunit_cases(node, prefix=''):
    """(dotted name, status) of every leaf test in kunit.py's JSON tree."""
    name = node.get('name', '')
    here = prefix if name in ('', 'KUnit Test Group') else f'{prefix}{name}.'
    for case in node.get('test_cases', []):
        yield f'{here}{case["name"]}', case['status']
    for sub in node.get('sub_groups', []):
        yield from kunit_cases(sub, here)


def cases_of(kunit_json, console_lines=()):
    """expectations.Case of each JSON case, its log and skip reason taken
    from the console's KTAP (empty when the console does not have it)."""
    rep = ktap.parse(expectations.console_lines(console_lines))
    seen = dict(rep.flat())
    out = []
    for name, status in kunit_cases(kunit_json):
        t = seen.get(name)
        st = _STATUS.get(status, 'error')
        out.append(expectations.Case(name, st, t.directive if t and st == 'skip' else '',
                                     t.log if t else []))
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('kver')
    ap.add_argument('kunit_json')
    ap.add_argument('--config')
    ap.add_argument('--flavor', default='default')
    ap.add_argument('--patches', default='')
    ap.add_argument('--console', help="kunit.py's console log (test.log)")
    ap.add_argument('--out')
    ap.add_argument('--known', default=expectations.KNOWN)
    ap.add_argument('--skips', default=expectations.SKIPS)
    a = ap.parse_args(argv[1:])
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.kunit_json)),
                                'kunit-verdict.json')
    facts = expectations.facts(a.config, a.kver, a.flavor)
    known = expectations.load(a.known, require_match=True)
    skips = expectations.load(a.skips) if os.path.exists(a.skips) else None
    patches = [p for p in a.patches.replace(',', ' ').split() if p]
    console = []
    if a.console and os.path.exists(a.console):
        with open(a.console, 'rb') as f:
            console = f.read().decode('utf-8', errors='replace').splitlines()
    try:
        with open(a.kunit_json) as f:
            cases = cases_of(json.load(f), console)
    except (OSError, ValueError) as e:
        cases = None
        reasons = [f'no kunit.py results: {e}']
        j = expectations.Judgement()
    if cases is not None:
        j = expectations.judge(cases, facts, known, skips, patches,
                               suites=expectations.kunit_suites())
        reasons = j.reasons
    for line in j.report():
        print(f'movops: kunit.py: {line}')
    for r in reasons:
        print(f'movops: kunit.py: {r}', file=sys.stderr)
    cases = cases or []
    count = {s: sum(1 for c in cases if c.status == s) for s in ('pass', 'fail', 'skip', 'error')}
    with open(out, 'w') as f:
        json.dump({'verdict': 'fail' if reasons else 'pass', 'reasons': reasons,
                   'notes': j.notes, 'summary': count,
                   'xfail': [{'name': n, 'entry': e.where} for n, e in j.xfail],
                   'fixed': [{'name': n, 'fixed_by': e.fixed_by} for n, e in j.fixed],
                   'facts': {k: facts[k] for k in ('kver', 'flavor', 'arch', 'config_path')},
                   'patches': patches,
                   'tests': [{'name': c.name, 'status': c.status,
                              **({'mark': j.marks[c.name]} if c.name in j.marks else {})}
                             for c in cases]}, f, indent=1)
    return 1 if reasons else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
