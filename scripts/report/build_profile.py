#!/usr/bin/env python3
"""Where a cold kernel build's time goes, read from its build directory.

Usage: build_profile.py OBJDIR [DEPTH]

Counts the objects (*.o) of each directory (DEPTH path components, default
2) and estimates the build time each cost from the objects' modification
times: sorted, each object is charged the time since the one finished
before it (so with make -jN the figures are wall-clock shares, not CPU
time). Time after the last object (the vmlinux links, bzImage) and before
the first is shown apart. Only meaningful on a directory built once from
cold, in one make run.
"""
import collections
import os
import sys


def objects(top):
    for d, _, files in os.walk(top):
        for f in files:
            if f.endswith('.o') and not f.endswith('.mod.o'):
                p = os.path.join(d, f)
                yield os.path.relpath(p, top), os.stat(p).st_mtime


def main(argv):
    if not argv or len(argv) > 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    top, depth = argv[0], int(argv[1]) if len(argv) > 1 else 2
    objs = sorted(objects(top), key=lambda o: o[1])
    if not objs:
        print(f'no objects in {top}', file=sys.stderr)
        return 1
    count, secs = collections.Counter(), collections.Counter()
    prev = objs[0][1]
    for path, t in objs:
        key = '/'.join(path.split('/')[:depth][:-1] if path.count('/') < depth
                       else path.split('/')[:depth])
        count[key] += 1
        secs[key] += t - prev
        prev = t
    ends = [os.path.join(top, f) for f in ('vmlinux', 'arch/x86/boot/bzImage')]
    end = max((os.stat(f).st_mtime for f in ends if os.path.exists(f)), default=prev)
    total = end - objs[0][1]
    print(f'{len(objs)} objects, {total:.0f} s from the first object to the last image '
          f'({end - prev:.0f} s after the last object: links and image)')
    print(f'{"directory":<32} {"objects":>7} {"seconds":>8} {"share":>6}')
    for key, s in secs.most_common():
        print(f'{key or ".":<32} {count[key]:>7} {s:>8.1f} {s / total * 100:>5.1f}%')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
