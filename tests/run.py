#!/usr/bin/env python3
"""Run the host-side tests (tests/test_*.py, no VM needed) and end with the
line 'N passed, N failed'. Writes build/results/host-tests.json."""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


class Counting(unittest.TextTestResult):
    pass


def main():
    sys.path.insert(0, os.path.join(TOP, 'scripts'))
    suite = unittest.defaultTestLoader.discover(HERE, pattern='test_*.py',
                                                top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2, resultclass=Counting).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    out = os.path.join(TOP, 'build', 'results')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'host-tests.json'), 'w') as f:
        json.dump({'passed': passed, 'failed': failed, 'skipped': skipped}, f)
    if result.testsRun == 0:
        print('no host test ran', file=sys.stderr)
        failed = 1
    line = f'{passed} passed, {failed} failed'
    print(line + (f', {skipped} skipped' if skipped else ''))
    return 1 if failed or skipped else 0


if __name__ == '__main__':
    sys.exit(main())
