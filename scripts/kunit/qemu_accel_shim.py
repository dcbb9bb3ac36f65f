#!/usr/bin/env python3
"""qemu-system-x86_64 for kunit.py: keeps only the accelerator in
MOVOPS_ACCEL. kunit.py hard-codes '-accel kvm -accel hvf -accel tcg' and QEMU
takes the first that initialises; a broken /dev/kvm initialises and then hangs
or aborts. scripts/kunit/kunit-run.sh puts a link to this first on PATH."""
import os
import shutil
import sys

keep = os.environ.get('MOVOPS_ACCEL', 'tcg')
here = os.path.dirname(os.path.abspath(sys.argv[0]))
path = os.pathsep.join(p for p in os.environ.get('PATH', '').split(os.pathsep)
                       if os.path.abspath(p) != here)
# Linked as the qemu-system-<arch> kunit.py runs (scripts/kunit/kunit-run.sh).
name = os.path.basename(sys.argv[0])
real = shutil.which(name, path=path)
if not real:
    sys.exit(f'movops: {name} not found')
args, out, i = sys.argv[1:], [], 0
while i < len(args):
    if args[i] == '-accel' and i + 1 < len(args) and args[i + 1].split(',')[0] != keep:
        i += 2
        continue
    out.append(args[i])
    i += 1
os.execv(real, [real] + out)
