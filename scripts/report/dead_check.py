#!/usr/bin/env python3
"""Judge a test-of-the-test run in which the kernel died on purpose.

Usage: dead_check.py --kind oops|hang|stuck [--budget S] RESULTS_DIR
(make dead-check: the runner's MOVOPS_INJECT=oops makes LKDTM BUG, =hang
LKDTM SMP_CALL_LOCKUP, =stuck LKDTM HUNG_TASK, half way through its plan).
Passes only when the run's verdict is FAIL, vm.py ended it itself (kernel
died / guest hung, not the TIMEOUT), QEMU's start to its end took at most
--budget seconds, the reasons name the splat (oops), the stuck task
(stuck) or the hang, and what was not run, and the QEMU process is gone.
"""
import argparse
import json
import os
import sys


def check(res, vm, kind, budget):
    bad = []
    ended = vm.get('ended') or ''
    took = (vm.get('boot_s') or 0) + (vm.get('tests_s') or 0)
    reasons = res.get('reasons', [])
    if res.get('verdict') != 'fail':
        bad.append(f'verdict is {res.get("verdict")}, not fail')
    want = {'oops': ('kernel died',), 'hang': ('guest hung', 'kernel died'),
            'stuck': ('guest hung: a task stuck',)}[kind]
    if not ended.startswith(want):
        bad.append(f'vm.py did not end the run itself: ended {ended!r}')
    if took > budget:
        bad.append(f'{took:.1f} s from QEMU start to the end, over {budget:g} s')
    if kind == 'oops' and not any(r.startswith('kernel ') and
                                  any(k in r for k in ('oops', 'bug', 'panic'))
                                  for r in reasons):
        bad.append('no oops, BUG or panic among the reasons')
    if kind == 'stuck' and not any('movops-hung: ' in r for r in reasons):
        bad.append('no stuck task (movops-hung) among the reasons')
    if not any(r.startswith('not run:') for r in reasons):
        bad.append('the reasons do not say what was not run')
    pid = vm.get('qemu_pid')
    if pid and os.path.exists(f'/proc/{pid}'):
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                if b'qemu' in f.read():
                    bad.append(f'QEMU (pid {pid}) is still running')
        except OSError:
            pass
    return took, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--kind', choices=('oops', 'hang', 'stuck'), required=True)
    ap.add_argument('--budget', type=float, default=60)
    ap.add_argument('results')
    a = ap.parse_args()
    try:
        with open(os.path.join(a.results, 'results.json')) as f:
            res = json.load(f)
        with open(os.path.join(a.results, 'vm.json')) as f:
            vm = json.load(f)
    except (OSError, ValueError) as e:
        print(f'movops dead-check {a.kind}: FAIL: no results: {e}')
        return 1
    took, bad = check(res, vm, a.kind, a.budget)
    fatal = vm.get('fatal_at_s')
    print(f'movops dead-check {a.kind}: {"PASS" if not bad else "FAIL"}: '
          f'{vm.get("ended")}; QEMU ran {took:.1f} s'
          + (f' (fatal splat at {fatal:.1f} s)' if fatal is not None else '')
          + (f', last output at {vm["last_output_s"]:.1f} s' if 'last_output_s' in vm else ''))
    for b in bad:
        print(f'  - {b}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
