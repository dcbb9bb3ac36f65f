#!/usr/bin/env python3
"""Turn one guest run into a verdict.

Reads the console log, the runner's KTAP stream (falls back to the KTAP on
the console when the stream is empty), QEMU's record and the phase timings;
writes results.ktap, results.json and counters.txt into --out; prints a
summary. Exit 0 only when every test passed or was skipped with a reason, the
KTAP is complete, no kernel splat was printed and the guest ended by itself.
With --expect-fail, the named tests must fail and every other must pass.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import known_failures  # noqa: E402
import ktap    # noqa: E402
import splats  # noqa: E402

TAIL = 40
# The runner's last line: it got to the end.
DONE = 'movops-done'


def read_lines(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, 'rb') as f:
        return f.read().decode('utf-8', errors='replace').splitlines()


def read_phases(path):
    phases = {}
    for line in read_lines(path):
        parts = line.split()
        if len(parts) == 2:
            try:
                phases[parts[0]] = phases.get(parts[0], 0.0) + float(parts[1])
            except ValueError:
                pass
    return phases


def counters_of(report_lines):
    """'# counter: name value' diagnostics, in order, last value wins."""
    out = {}
    for line in report_lines:
        s = line.strip().replace('\r', '')
        if s.startswith('# counter: '):
            parts = s[len('# counter: '):].split()
            if len(parts) == 2:
                out[parts[0]] = parts[1]
    return out


def judge(rep, found, vm, expect_fail, known=()):
    """The list of reasons the run failed (empty: it passed)."""
    ended = vm.get('ended')
    if ended and ended != 'poweroff':
        # The guest did not finish: that is the cause, and whatever KTAP is
        # missing follows from it. Splats say why, so they stay.
        return ([f'guest did not power off by itself: {ended}'] +
                [f'kernel {kind} at console line {n}: {text}' for n, kind, text in found])
    reasons = list(rep.errors)
    if rep.version is not None and not any(
            d.startswith(DONE) for _, t in rep.flat() for d in t.diag) \
            and not rep.trailer_has(DONE):
        reasons.append('the runner did not finish (guest died or output truncated)')
    for lineno, kind, text in found:
        reasons.append(f'kernel {kind} at console line {lineno}: {text}')
    flat = rep.flat()
    names = {n for n, _ in flat}
    for name, t in flat:
        if t.status == 'skip' and len(t.directive.split(None, 1)) < 2:
            reasons.append(f'{name} skipped without a reason')
        if name in expect_fail:
            if t.status != 'fail':
                reasons.append(f'{name} was expected to fail but is {t.status}')
        elif t.status == 'fail':
            reasons.append(f'{name} failed')
    for name in sorted(expect_fail - names - set(known)):
        reasons.append(f'{name} was expected to fail but did not run')
    if rep.version is not None and not flat:
        reasons.append('no test ran')
    return reasons


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--console', required=True)
    ap.add_argument('--ktap', help="the runner's KTAP stream")
    ap.add_argument('--vm-record')
    ap.add_argument('--phases')
    ap.add_argument('--kernel-timings',
                    help="fetch/config/build seconds of the kernel build's last real build")
    ap.add_argument('--out', required=True)
    ap.add_argument('--kver', default='')
    ap.add_argument('--expect-fail', default='',
                    help='comma-separated test names that must fail')
    args = ap.parse_args()

    console = read_lines(args.console)
    # Without a separate KTAP stream (a user's own VM), the console is it.
    stream = read_lines(args.ktap) if args.ktap else console
    rep = ktap.parse(stream)
    found = splats.scan(console)
    vm = {}
    if args.vm_record and os.path.exists(args.vm_record):
        with open(args.vm_record) as f:
            vm = json.load(f)
    known = known_failures.load(args.kver)
    expect_fail = {n for n in args.expect_fail.split(',') if n} | set(known)
    reasons = judge(rep, found, vm, expect_fail, known)
    verdict = 'pass' if not reasons else 'fail'

    os.makedirs(args.out, exist_ok=True)
    start = next((i for i, l in enumerate(stream)
                  if l.strip().startswith('KTAP version')), len(stream))
    with open(os.path.join(args.out, 'results.ktap'), 'w') as f:
        for line in stream[start:]:
            f.write(line.replace('\r', '') + '\n')
    counters = counters_of(stream[start:])
    with open(os.path.join(args.out, 'counters.txt'), 'w') as f:
        for k, v in counters.items():
            f.write(f'{k} {v}\n')
    phases = read_phases(args.phases)
    for key in ('boot_s', 'tests_s'):
        if key in vm:
            phases[key[:-2]] = vm[key]
    flat = rep.flat()
    result = {
        'kver': args.kver,
        'verdict': verdict,
        'reasons': reasons,
        'expect_fail': sorted(expect_fail),
        'known_failures': known,
        'summary': {s: sum(1 for _, t in flat if t.status == s)
                    for s in ('pass', 'fail', 'skip')},
        'tests': [dict(t.to_dict(), name=n) for n, t in flat],
        'splats': [{'line': n, 'kind': k, 'text': t} for n, k, t in found],
        'ktap_errors': rep.errors,
        'vm': {k: v for k, v in vm.items() if k != 'argv'},
        'phases_s': {k: round(v, 3) for k, v in phases.items()},
        'kernel_last_build_s': read_phases(args.kernel_timings),
        'counters': counters,
    }
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
        json.dump(result, f, indent=1)

    width = max([len(n) for n, _ in flat] + [20])
    print(f'movops {args.kver}: {"test":<{width}}  result')
    for name, t in flat:
        mark = {'pass': 'PASS', 'fail': 'FAIL', 'skip': 'SKIP'}[t.status]
        if name in known:
            mark = 'XFAIL' if t.status == 'fail' else f'XPASS ({mark})'
        elif name in expect_fail:
            mark += ' (expected)' if t.status == 'fail' else ' (expected FAIL)'
        extra = f'  {t.directive}' if t.status == 'skip' else ''
        print(f'  {name:<{width}}  {mark}{extra}')
    s = result['summary']
    if phases:
        print('  phases: ' + ', '.join(f'{k} {v:.1f}s' for k, v in phases.items()))
    if reasons:
        print(f'movops {args.kver}: FAIL')
        for r in reasons:
            print(f'  - {r}')
        print(f'--- last {TAIL} console lines ({args.console}) ---')
        for line in console[-TAIL:]:
            print('  ' + line.replace('\r', ''))
        print('---')
        if vm.get('qemu_stderr'):
            print("--- QEMU's stderr (its tail) ---")
            for line in vm['qemu_stderr'].splitlines()[-TAIL:]:
                print('  ' + line)
            print('---')
    else:
        print(f'movops {args.kver}: PASS')
    for name, why in known.items():
        if name in {n for n, _ in flat}:
            print(f'  known kernel failure {name}: {why}')
    # The closing line counts as summary.py does: a known kernel failure
    # that failed (XFAIL) or an injected one that failed is not a failure.
    xfail = sum(1 for n, t in flat if t.status == 'fail' and n in known)
    expected = sum(1 for n, t in flat if t.status == 'fail' and n in expect_fail) - xfail
    if xfail or expected:
        print(f'  {xfail} known kernel failures (XFAIL), {expected} injected failures seen failing')
    xpass = sum(1 for n, t in flat if t.status == 'pass' and n in expect_fail)
    print(f'{s["pass"] - xpass} passed, {s["fail"] - xfail - expected + xpass} failed, '
          f'{s["skip"]} skipped')
    print(f'results: {args.out}/results.json')
    return 0 if verdict == 'pass' else 1


if __name__ == '__main__':
    sys.exit(main())
