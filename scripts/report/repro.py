#!/usr/bin/env python3
"""Judge a "make repro BUG=name" run: did the kernel bug show, as expected?

Usage: repro.py --list
       repro.py --bug NAME --console console.log --ktap runner.ktap
                [--vm-record vm.json] [--patches "NAME..."] [--out repro.json]

A kernel without the bug's patch must show the bug: the VM_BUG_ON on the
console (dma-pageblock, isolate-undo, compact-offline), or the test failing with its message
(balloon-stat, a KUnit case; optprobe-paca). That is the expected result and exits 0, reported as
"REPRODUCED". A kernel with the patch (its file name among --patches, the
names of the run's PATCHES=) must run the reproducer clean: its KTAP line
passes and the console has no splat at all; that exits 0 too, as "FIXED".
Anything else (no splat where one was due, a splat where none was, another
splat, no result) exits 1 and says what was seen.
"""
import argparse
import json
import os
import re
import sys

import ktap
import splats

# name: the patch that fixes it (patches/; None: none written yet), the
# KTAP test that runs it, and what shows the bug without the patch.
BUGS = {
    'balloon-stat': {
        'patch': '0001-mm-balloon-keep-NR_BALLOON_PAGES-right-when-a-balloo.patch',
        'test': 'movops_balloon.balloon_enoent_balloon_pages_stat',
        'failure': 'NR_BALLOON_PAGES still counts the page deflated by -ENOENT',
        'about': 'balloon_page_migrate() frees a page on -ENOENT without '
                 'decrementing NR_BALLOON_PAGES (KUnit case)',
    },
    'dma-pageblock': {
        'patch': '0002-mm-page_alloc-skip-contig-ranges-whose-pageblocks-le.patch',
        'test': 'repro_dma-pageblock',
        'splat': r'kernel BUG at mm/page_alloc\.c:\d+',
        'about': 'alloc_contig_pages(4, GFP_DMA) isolates pageblock 0, '
                 'outside ZONE_DMA (VM_BUG_ON_PAGE)',
    },
    'isolate-undo': {
        'patch': '0003-mm-page_alloc-do-not-undo-another-caller-s-isolation.patch',
        'test': 'repro_isolate-undo',
        'splat': r'kernel BUG at mm/page_isolation\.c:\d+',
        'about': 'a failed alloc_contig_range() un-isolates a pageblock '
                 'another caller isolated (VM_BUG_ON)',
    },
    'compact-offline': {
        'patch': '0005-mm-compaction-do-not-mark-a-pageblock-skipped-after-.patch',
        'test': 'repro_compact-offline',
        'splat': r'kernel BUG at mm/page_alloc\.c:\d+',
        'about': 'compaction marks a pageblock skipped after memory offlining '
                 'took its block away (VM_BUG_ON_PAGE on a poisoned page)',
    },
    'optprobe-paca': {
        'patch': '0004-powerpc-kprobes-do-not-restore-r13-in-the-optprobe-t.patch',
        'test': 'repro_optprobe-paca',
        'failure': 'came back with the per-CPU base of another CPU',
        'about': '(ppc64le, GUEST_CPUS=2) the optprobe trampoline restores '
                 'r13, the paca, after its task moved to another CPU',
    },
}


def judge(bug, console, ktap_lines, patches, vm=None):
    """(ok, verdict word, message) for one run of BUG."""
    b = BUGS[bug]
    fixed = b['patch'] is not None and b['patch'] in patches
    found = splats.scan(console)
    rep = ktap.parse(ktap_lines)
    results = dict(rep.flat())
    t = results.get(b['test'])
    timed_out = bool(vm and vm.get('ended') == 'timeout')
    if fixed:
        where = f"with {b['patch']}"
    else:
        where = f"without {b['patch']}" if b['patch'] else 'with no fix written yet'

    if 'splat' in b:
        due = [s for s in found if re.search(b['splat'], s[2])]
        if not fixed:
            if due:
                return True, 'REPRODUCED', (f'{due[0][2]} (console line {due[0][0]}): '
                                            f'the bug, as expected {where}')
            if t and t.status == 'pass':
                return False, 'NOT REPRODUCED', (f'{b["test"]} ran clean {where}: '
                                                 f'the kernel does not have the bug')
    else:
        # KUnit prints an expectation's message on a line of its own, not
        # as a '#' diagnostic: look for it in the whole stream.
        failed_as_known = (t is not None and t.status == 'fail' and
                           any(b['failure'] in ln for ln in ktap_lines))
        if not fixed:
            if failed_as_known and not found:
                return True, 'REPRODUCED', (f'{b["test"]} failed: "{b["failure"]}": '
                                            f'the bug, as expected {where}')
            if t and t.status == 'pass':
                return False, 'NOT REPRODUCED', (f'{b["test"]} passed {where}: '
                                                 f'the kernel does not have the bug')
    if fixed and t and t.status == 'pass' and not found and not timed_out:
        return True, 'FIXED', f'{b["test"]} passed, no splat, {where}'
    # Something else: say what was seen.
    seen = []
    if found:
        # The splat's own line, not its "cut here" opener.
        first = next((f for f in found if 'cut here' not in f[2]), found[0])
        seen.append(f'splat: {first[2]} (console line {first[0]})')
    if timed_out:
        seen.append('the guest timed out')
    if t is None:
        seen.append(f'no result for {b["test"]}')
    else:
        seen.append(f'{b["test"]}: {t.status}' + (f' ({t.diag[-1]})' if t.diag else ''))
    expect = 'a clean run' if fixed else 'the bug'
    return False, 'FAIL', f'expected {expect} {where}; saw ' + '; '.join(seen)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--bug')
    ap.add_argument('--console')
    ap.add_argument('--ktap')
    ap.add_argument('--vm-record')
    ap.add_argument('--patches', default=os.environ.get('MOVOPS_PATCH_NAMES', ''))
    ap.add_argument('--out')
    args = ap.parse_args(argv[1:])
    if args.list or not args.bug:
        print('make repro BUG=NAME, one of:')
        for name, b in BUGS.items():
            fix = f'fixed by patches/{b["patch"]}' if b['patch'] else 'no fix yet'
            print(f'  {name:15s} {b["about"]}; {fix}')
        return 0 if args.list else 2
    if args.bug not in BUGS:
        print(f'movops repro: no bug named {args.bug!r} (make repro lists them)',
              file=sys.stderr)
        return 2

    def lines(path):
        try:
            with open(path, errors='replace') as f:
                return f.readlines()
        except (OSError, TypeError):
            return []
    vm = None
    if args.vm_record:
        try:
            with open(args.vm_record) as f:
                vm = json.load(f)
        except (OSError, ValueError):
            vm = None
    ok, word, msg = judge(args.bug, lines(args.console), lines(args.ktap),
                          args.patches.split(), vm)
    print(f'movops repro {args.bug}: {word}: {msg}')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump({'bug': args.bug, 'ok': ok, 'verdict': word, 'message': msg,
                       'patches': args.patches.split()}, f, indent=1)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
