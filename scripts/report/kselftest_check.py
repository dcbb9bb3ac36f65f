#!/usr/bin/env python3
"""Judge a guest run of the kselftest package (make kselftest-check).

The guest ran the LAVA definition's steps (.ci/lava/movops.yaml): the
kernel tree's run_kselftest.sh -c movops, with a stub lava-test-case on
PATH that recorded each call ('# lava-stub: NAME RESULT [VALUE UNITS]'
lines after the run). Checks, for --expect pass: the collection's result
line and exit status agree with run_movops.sh's own KTAP (nested under the
runner's '# ' prefix; written to --out/inner.ktap, where verdict.py judges
the checks as for make run, known kernel failures included), and LAVA was
told exactly the KTAP's results: same names, same statuses, in order, one
each; and every request to the host ('# movops-host: ...', served by
vm.py over QMP) came on the port straight from the runner, not through its
stdout: there kselftest's tap_prefix (busybox sed, 4096-byte blocks) holds
it until long after the runner waited for the balloon. For --expect skip
(a kernel without CONFIG_BALLOON_MIGRATION): the result line is
'ok ... # SKIP', the reason names BALLOON_MIGRATION, LAVA got one 'movops
skip'. Exit 0 when all hold; writes --out/kselftest.json.
"""
import argparse
import json
import os
import re
import sys

import ktap
import splats

ENTRY = 'selftests: movops: run_movops.sh'
_OUTER = re.compile(r'^(not ok|ok) \d+ ' + re.escape(ENTRY) + r'\s*(?:#\s*(.*))?$')
_LAVA = 'lava-stub: '
_EXIT = re.compile(r'^# kselftest-exit (\d+)$')
# A request to the host (scenario-real.sh, mr_host; vm.py serves it): with
# no prefix when the runner wrote it to the port itself, with the kselftest
# runner's '# ' when it went through the runner's stdout.
_HOST = re.compile(r'^((?:# )*)# movops-host: (.*?)\s*$')


def split_run(lines):
    """(outer result match or None, inner KTAP lines, lava records, exit,
    host requests as (request, came through stdout))."""
    outer, inner, lava, rc, host = None, [], [], None, []
    inside = False
    for raw in lines:
        line = raw.rstrip('\r\n').replace('\r', '')
        m = _HOST.match(line)
        if m:
            host.append((m.group(2), bool(m.group(1))))
            continue
        if line == '# ' + ENTRY:
            inside = True
            continue
        m = _OUTER.match(line)
        if m:
            outer, inside = m, False
            continue
        m = _EXIT.match(line)
        if m:
            rc = int(m.group(1))
            continue
        if line.startswith('# ' + _LAVA):
            lava.append(line[len('# ' + _LAVA):].split())
            continue
        if inside and line.startswith('#'):
            inner.append(line[2:] if line.startswith('# ') else line[1:])
    return outer, inner, lava, rc, host


def judge(lines, expect):
    """(reasons, facts): reasons is empty when the run is as expected;
    facts['inner'] is run_movops.sh's own KTAP."""
    outer, inner, lava, rc, host = split_run(lines)
    reasons = [f'host request "{r}" went through the runner\'s stdout, where kselftest\'s '
               'tap_prefix holds it: the runner must write it to MOVOPS_HOST_PORT'
               for r, piped in host if piped]
    facts = {'kselftest_exit': rc, 'lava_calls': len(lava), 'inner': inner,
             'host_requests': [r for r, _ in host]}
    if outer is None:
        return reasons + [f'no "{ENTRY}" result line: the kselftest runner did not finish'], facts
    word, directive = outer.group(1), (outer.group(2) or '').strip()
    facts['result_line'] = outer.group(0)
    rep = ktap.parse(inner)
    ktap_results = [(t.name, t.status) for t in rep.tests]
    facts['ktap_results'] = len(ktap_results)
    bad = [r for r in lava if len(r) not in (2, 4) or r[1] not in ('pass', 'fail', 'skip')]
    reasons += [f'lava-test-case called badly: {" ".join(r)}' for r in bad]
    lava_results = [(r[0], r[1]) for r in lava if r not in bad]
    facts['lava_measurements'] = sum(1 for r in lava if len(r) == 4)
    if expect == 'skip':
        if word != 'ok' or not directive.upper().startswith('SKIP'):
            reasons.append(f'expected the collection skipped, got: {outer.group(0)}')
        why = ' '.join(d for d in inner if d.startswith('1..0'))
        facts['skip_reason'] = why
        if 'BALLOON_MIGRATION' not in why:
            reasons.append(f'the skip does not name CONFIG_BALLOON_MIGRATION: {why!r}')
        if lava_results != [('movops', 'skip')]:
            reasons.append(f'LAVA was told {lava_results}, expected one movops skip')
        return reasons, facts
    # The checks themselves are judged by verdict.py on the nested KTAP
    # (known kernel failures, expected skips); here: the runner's line and
    # exit status agree with them.
    failed = [n for n, s in ktap_results if s == 'fail']
    facts['failed'] = failed
    if failed and (word != 'not ok' or rc != 1):
        reasons.append(f'{", ".join(failed)} failed but the runner says: {outer.group(0)} '
                       f'(exit {rc})')
    if not failed and (word != 'ok' or directive or rc not in (None, 0)):
        reasons.append(f'no check failed but the runner says: {outer.group(0)} (exit {rc})')
    reasons += [f'KTAP: {e}' for e in rep.errors]
    if not ktap_results:
        reasons.append('run_movops.sh reported no result')
    if lava_results != ktap_results:
        ln, kn = {n for n, _ in lava_results}, {n for n, _ in ktap_results}
        for n in sorted(kn - ln):
            reasons.append(f'LAVA never heard of {n}')
        for n in sorted(ln - kn):
            reasons.append(f'LAVA was told of {n}, which the KTAP does not have')
        ks, ls = dict(ktap_results), dict(lava_results)
        for n in sorted(kn & ln):
            if ks[n] != ls[n]:
                reasons.append(f'{n}: KTAP {ks[n]}, LAVA {ls[n]}')
        if len(lava_results) != len(ktap_results):
            reasons.append(f'{len(lava_results)} LAVA results for {len(ktap_results)} KTAP results')
        if not reasons:
            reasons.append('LAVA results in another order than the KTAP')
    return reasons, facts


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--ktap', required=True, help="the guest's second serial port")
    ap.add_argument('--console', required=True)
    ap.add_argument('--vm-record')
    ap.add_argument('--expect', choices=['pass', 'skip'], default='pass')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    with open(args.ktap, 'rb') as f:
        lines = f.read().decode('utf-8', errors='replace').splitlines()
    reasons, facts = judge(lines, args.expect)
    with open(args.console, 'rb') as f:
        console = f.read().decode('utf-8', errors='replace').splitlines()
    reasons += [f'kernel {k} at console line {n}: {t}' for n, k, t in splats.scan(console)]
    if args.vm_record and os.path.exists(args.vm_record):
        with open(args.vm_record) as f:
            ended = json.load(f).get('ended')
        if ended != 'poweroff':
            reasons.insert(0, f'guest did not power off by itself: {ended}')
    verdict = 'pass' if not reasons else 'fail'
    os.makedirs(args.out, exist_ok=True)
    # run_movops.sh's KTAP, for verdict.py to judge the checks.
    with open(os.path.join(args.out, 'inner.ktap'), 'w') as f:
        f.write(''.join(l + '\n' for l in facts.pop('inner')))
    with open(os.path.join(args.out, 'kselftest.json'), 'w') as f:
        json.dump(dict(facts, expect=args.expect, verdict=verdict, reasons=reasons), f, indent=1)
    print(f"movops kselftest ({args.expect} expected): {facts.get('result_line', '-')}")
    print(f"  {facts.get('ktap_results', 0)} KTAP results, {facts['lava_calls']} lava-test-case "
          f"calls ({facts.get('lava_measurements', 0)} with a measurement); "
          f"run_kselftest.sh exit {facts['kselftest_exit']}; "
          f"{len(facts['host_requests'])} host requests")
    if facts.get('skip_reason'):
        print(f"  {facts['skip_reason']}")
    for r in reasons:
        print(f'  - {r}')
    print(f'movops kselftest: {verdict.upper()}')
    return 0 if verdict == 'pass' else 1


if __name__ == '__main__':
    sys.exit(main())
