#!/usr/bin/env python3
"""Find kernel splats in a console log: any of them fails a run."""
import re

# Console lines carry an optional "[   12.345678] " timestamp and, with
# CONFIG_PRINTK_CALLER, a "[T123]" caller id.
_PREFIX = r'^(?:\[\s*\d+\.\d+\]\s*)?(?:\[\s*[TC]\d+\]\s*)?'
_KINDS = [
    # Before 'bug': a KCSAN data race fails only in the movable_ops paths
    # and when not allow-listed (scripts/report/kcsan.py).
    ('kcsan', r'BUG: KCSAN: '),
    ('warning', r'WARNING:'),
    ('warning', r'------------\[ cut here \]------------'),
    ('bug', r'(?:kernel )?BUG[: ]'),
    ('oops', r'Oops(?::| - )'),
    ('panic', r'Kernel panic - not syncing'),
    ('gpf', r'general protection fault'),
    ('kasan', r'(?:BUG: )?KASAN: '),
    ('ubsan', r'UBSAN: '),
    ('kfence', r'BUG: KFENCE: '),
    ('lockdep', r'(?:WARNING: )?(?:possible circular locking dependency|possible recursive locking|inconsistent lock state|bad unlock balance|suspicious RCU usage)'),
    ('list_corruption', r'list_(?:add|del) corruption'),
    ('rcu_stall', r'rcu: INFO: \w+ (?:self-)?detected stalls?'),
    ('soft_lockup', r'watchdog: BUG: soft lockup'),
    ('hung_task', r'INFO: task .* blocked for more than'),
    # The same from the guest's init, for kernels without DETECT_HUNG_TASK.
    ('hung_task', r'movops-hung: '),
    # movops.ko's exit found pages of its balloon still isolated after
    # MV_UNLOAD_WAIT_MS and keeps waiting rather than free the device they
    # point at (module/balloon.c mv_balloon_unload_drain()): the rmmod never
    # returns, and the runner with it (a kernel that lost count of an
    # isolated page: the isolate-twice mutant).
    ('stuck_unload', r'movops: unload: .*movops stays loaded rather than free it'),
    ('kmemleak', r'kmemleak: \d+ new suspected memory leaks'),
    ('bad_page', r'BUG: Bad page (?:state|map)'),
]
_PATTERNS = [(kind, re.compile(_PREFIX + pat)) for kind, pat in _KINDS]

# Lines that look like a splat and are none: a printk of a machine's own,
# each with why. pseries under QEMU's small firmware (x-vof=on, ARCH=ppc64le,
# scripts/host/vm.py): nobody formats the NVRAM (SLOF would), and
# nvram_scan_partitions() (arch/powerpc/kernel/nvram_64.c, 7.3) prints this
# with printk(KERN_WARNING), not WARN(), for the blank one it finds.
_NOT_SPLATS = re.compile(_PREFIX + r'WARNING: nvram corruption detected: 0-length partition$')

# Splats after which the kernel cannot finish the run: the host (vm.py) ends
# it at once. A WARNING, a KASAN or UBSAN report, a bad page, kmemleak fail
# the run too, but the kernel goes on and the run completes.
_FATAL_KINDS = {'oops', 'panic', 'gpf', 'soft_lockup', 'rcu_stall', 'hung_task', 'stuck_unload'}
_FATAL_BUG = re.compile(r'kernel BUG at|BUG: unable to handle|BUG: kernel NULL pointer'
                        r'|BUG: scheduling while atomic|BUG: spinlock|BUG: workqueue lockup')


def fatal(kind, text):
    """Does this splat (from scan()) mean the kernel is dead or stuck?"""
    return kind in _FATAL_KINDS or (kind == 'bug' and bool(_FATAL_BUG.search(text)))


def ends_run(kind, text):
    """Does this splat end the run at once (vm.py's Watch)? A fatal one,
    and a KCSAN data race in the movable_ops paths (scan() returns 'kcsan'
    only for a race kcsan.py judges a failure): the kernel lives, but the
    run has failed, and what follows is the same race again or the crash
    it leads to."""
    return fatal(kind, text) or kind == 'kcsan'


def scan_line(line):
    """(kind, text) if this one console line starts a splat, else None."""
    line = line.rstrip('\r\n').replace('\r', '')
    if _NOT_SPLATS.search(line):
        return None
    for kind, pat in _PATTERNS:
        if pat.search(line):
            if kind == 'kcsan':
                import kcsan  # noqa: E402 (FLAVOR=kcsan only)
                j = kcsan.judge(line)
                if j and j[0] != 'fail':
                    return None
            return kind, line.strip()
    return None


def scan(lines):
    """[(line number from 1, kind, text)] for each line that starts a splat.

    A splat that matches several patterns (a WARNING inside a cut-here
    block, say) is reported once per line, with its first matching kind.
    """
    found = []
    for i, raw in enumerate(lines, 1):
        hit = scan_line(raw)
        if hit:
            found.append((i,) + hit)
    return found


def main(argv):
    """splats.py LOG...: print each splat, exit 1 if there is any."""
    n = 0
    for path in argv[1:]:
        with open(path, 'rb') as f:
            lines = f.read().decode('utf-8', errors='replace').splitlines()
        for lineno, kind, text in scan(lines):
            print(f'movops: kernel {kind} at {path}:{lineno}: {text}')
            n += 1
    return 1 if n else 0


if __name__ == '__main__':
    import sys
    sys.exit(main(sys.argv))
