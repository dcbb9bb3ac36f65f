#!/usr/bin/env python3
"""Time to verdict on the warm path (make warm-check).

Changes one module source as an edit would (a comment line), runs `make
run`, and checks that the run
passed, rebuilt movops.ko, never entered the kernel's own make (no
"building kernel"/"configuring" from scripts/host/build-kernel.sh, vmlinux and
bzImage untouched) and reached its verdict within the budget. The figures go
into the run's results.json: phases_s.warm_total_s and a "warm" record.

The working tree is never edited: the comment goes into the copy the modules
build from (--ko-dir, synced by content from the tree by make modules), so
the sync puts the tree's content back and the module rebuilds, exactly as
after a real edit. A kill at any moment leaves the tree as it was, and
SIGINT/SIGTERM end the make run too.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time


def mtime(path):
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--top', required=True)
    ap.add_argument('--kernel', required=True, help='the kernel build directory')
    ap.add_argument('--results', required=True)
    ap.add_argument('--touch', default='module/main.c')
    ap.add_argument('--ko-dir', required=True, help="where make modules builds (MOD_SRC)")
    ap.add_argument('--budget', type=float, default=15.0)
    ap.add_argument('make_args', nargs='*', help='extra arguments for make run')
    return ap.parse_args()


def make_run(a):
    """Run make run; (its exit status, its output, seconds to verdict).
    INT or TERM ends its whole process group."""
    proc = None

    def on_signal(signum, _frame):
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        sys.exit(128 + signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    t0 = time.monotonic()
    proc = subprocess.Popen(['make', '-C', a.top, '--no-print-directory', 'run',
                             f'RESULTS={a.results}'] + a.make_args,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    out, _ = proc.communicate()
    return proc.returncode, out, round(time.monotonic() - t0, 3)


def record(a, total, bad):
    """Add the figures to the run's results.json; its phases (empty: none)."""
    path = os.path.join(a.results, 'results.json')
    try:
        with open(path) as f:
            res = json.load(f)
    except (OSError, ValueError):
        bad.append(f'no results.json in {a.results}')
        return {}
    res.setdefault('phases_s', {})['warm_total_s'] = total
    res['warm'] = {'touched': a.touch, 'total_s': total, 'budget_s': a.budget,
                   'kernel_make_entered': "the kernel's own make was entered" in bad,
                   'failures': bad}
    with open(path, 'w') as f:
        json.dump(res, f, indent=1)
    return res.get('phases_s', {})


def main():
    a = parse_args()
    kfiles = [os.path.join(a.kernel, p) for p in ('vmlinux', 'arch/x86/boot/bzImage')]
    kbefore = [mtime(p) for p in kfiles]
    ko = os.path.join(a.ko_dir, 'module', 'movops.ko')
    # The copy (MOD_SRC): make modules syncs the tree over it and rebuilds.
    copy = os.path.join(a.ko_dir, a.touch)
    stamp = time.time_ns()
    if os.path.exists(copy):
        with open(copy, 'ab') as f:
            f.write(f'/* movops warm-check {stamp} */\n'.encode())
    rc, log, total = make_run(a)
    with open(os.path.join(a.results, 'warm.log'), 'w') as f:
        f.write(log)

    bad = []
    if rc:
        bad.append(f'make run failed (exit {rc}); see {a.results}/warm.log')
    if 'movops: building kernel' in log or 'movops: configuring' in log:
        bad.append("the kernel's own make was entered")
    if [mtime(f) for f in kfiles] != kbefore:
        bad.append('vmlinux or bzImage changed during the run (this run or another one rebuilt the kernel)')
    if (mtime(ko) or 0) <= stamp:
        bad.append(f'movops.ko was not rebuilt after changing {a.touch}')
    if total > a.budget:
        bad.append(f'verdict after {total} s, over the {a.budget:g} s budget')
    ph = record(a, total, bad)
    split = ', '.join(f'{k} {v}' for k, v in ph.items() if k != 'warm_total_s')
    print(f'movops warm run: {total} s to verdict (budget {a.budget:g} s): {split}')
    for b in bad:
        print(f'movops warm run: FAIL: {b}')
    return 1 if bad else 0

if __name__ == '__main__':
    sys.exit(main())
