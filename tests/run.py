#!/usr/bin/env python3
"""Run the host-side tests (tests/test_*.py, no VM needed) and end with the
line 'N passed, N failed'. Writes build/results/host-tests.json.

Each test module runs in a process of its own, nproc at a time (many wait
on subprocesses or sleeps); their reports are printed in module order."""
import io
import json
import multiprocessing
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
# The tests import the scripts by name. The scripts they run find the shared
# library (scripts/report: ktap, splats, expectations, ...) on PYTHONPATH,
# as under make (Makefile).
LIBRARY = os.path.join(TOP, 'scripts', 'report')
IMPORTED = [LIBRARY] + [os.path.join(TOP, 'scripts', d) for d in ('host', 'kunit')]


def run_module(name):
    """(report text, tests run, failed, skipped) of one test module."""
    sys.path[:0] = [HERE] + IMPORTED
    stream = io.StringIO()
    try:
        suite = unittest.defaultTestLoader.loadTestsFromName(name)
    except Exception as e:  # an import error is a failure, not a crash
        return f'{name}: cannot load: {e}\n', 1, 1, 0
    result = unittest.TextTestRunner(stream=stream, verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    return stream.getvalue(), result.testsRun, failed, len(result.skipped)


# The tests judge the harness's scripts, not the run that called them: under
# make (make check PATCHES=..., FLAVOR=...), make's own variables (a
# command-line variable reaches every sub-make through MAKEFLAGS) and what
# the Makefile exports would reach the makes and scripts the tests start.
# (make check PATCHES=... failed test_host_fixes' make distclean this way,
# 2026-12-02: "scripts/host/variant.sh: No such file or directory".)
CALLERS_VARIABLES = ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES', 'PATCHES',
                     'MOVOPS_PATCH_NAMES', 'KVER', 'FLAVOR', 'ARCH', 'PAGE_SIZE', 'KSRC',
                     'KERNEL_ARGS', 'MOVOPS_INJECT', 'MOVOPS_ONLY', 'MOVOPS_PASSES')


def main():
    for name in CALLERS_VARIABLES:
        os.environ.pop(name, None)
    os.environ['PYTHONPATH'] = os.pathsep.join(
        [LIBRARY] + [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p])
    names = sorted(f[:-3] for f in os.listdir(HERE)
                   if f.startswith('test_') and f.endswith('.py'))
    with multiprocessing.Pool(max(2, os.cpu_count() or 1)) as pool:
        reports = pool.map(run_module, names, chunksize=1)
    run = failed = skipped = 0
    for text, n, f, s in reports:
        sys.stdout.write(text)
        run, failed, skipped = run + n, failed + f, skipped + s
    passed = run - failed - skipped
    out = os.path.join(TOP, 'build', 'results')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'host-tests.json'), 'w') as f:
        json.dump({'passed': passed, 'failed': failed, 'skipped': skipped}, f)
    if run == 0:
        print('no host test ran', file=sys.stderr)
        failed = 1
    line = f'{passed} passed, {failed} failed'
    print(line + (f', {skipped} skipped' if skipped else ''))
    return 1 if failed or skipped else 0


if __name__ == '__main__':
    sys.exit(main())
