#!/usr/bin/env python3
"""Split one boot's runner stream into the KTAP documents of its passes.

Usage: split_passes.py RESULTS_DIR NAME=DIR...

make check runs each failure injection as a pass of its own after the main
run, in the same guest boot (scripts/guest/init, MOVOPS_PASSES). Each pass
begins with the line '# movops-pass: NAME'. RESULTS_DIR/runner.ktap keeps
what precedes the first marker (the main run); the pass NAME goes to
DIR/runner.ktap, with a copy of the boot's console.log and vm.json beside
it, so that verdict.py judges every pass separately, with its own expected
failures. Exit 1 if a named pass is missing, appears twice, or the stream
holds a pass nobody named.
"""
import os
import shutil
import sys

MARK = '# movops-pass: '


def split(lines):
    """(main lines, {name: lines}, [names in order of appearance])"""
    main, passes, order, cur = [], {}, [], None
    for line in lines:
        s = line.rstrip('\r\n').replace('\r', '')
        if s.startswith(MARK):
            cur = s[len(MARK):].strip()
            order.append(cur)
            passes[cur] = []
            continue
        (main if cur is None else passes[cur]).append(s)
    return main, passes, order


def main(argv):
    if len(argv) < 2 or any('=' not in a for a in argv[1:]):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results = argv[0]
    want = dict(a.split('=', 1) for a in argv[1:])
    stream = os.path.join(results, 'runner.ktap')
    with open(stream, 'rb') as f:
        lines = f.read().decode('utf-8', errors='replace').splitlines()
    main_lines, passes, order = split(lines)
    bad = [f'pass {n} appears {order.count(n)} times' for n in sorted(set(order))
           if order.count(n) > 1]
    bad += [f'pass {n} in the stream but not asked for' for n in passes if n not in want]
    for name, d in want.items():
        os.makedirs(d, exist_ok=True)
        for f in ('console.log', 'vm.json', 'results.json', 'results.ktap', 'counters.txt'):
            src, dst = os.path.join(results, f), os.path.join(d, f)
            if os.path.exists(dst):
                os.remove(dst)     # nothing stale can pass
            if f in ('console.log', 'vm.json') and os.path.exists(src):
                shutil.copyfile(src, dst)
        with open(os.path.join(d, 'runner.ktap'), 'w') as f:
            f.write(''.join(line + '\n' for line in passes.get(name, [])))
        if name not in passes:
            bad.append(f'pass {name} missing from {stream} (guest died before it?)')
    with open(stream, 'w') as f:
        f.write(''.join(line + '\n' for line in main_lines))
    for b in bad:
        print(f'movops: {b}', file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
