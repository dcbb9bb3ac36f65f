#!/usr/bin/env python3
"""make mutants: run the suite on each mutant of the kernel, one at a time.

Each mutant (scripts/mutants/NAME.patch: a small deliberate bug in mm/) is
applied to one variant of the Debian tree (scripts/host/variant.sh; applying the
next mutant undoes the last one, and the build is incremental), and the VM
run (`make run`, which also loads the KUnit suite) goes on it. The run is
stopped as soon as a named check fails that is not a known kernel failure, or
a few seconds after a kernel splat. A mutant of a .c file changes no header,
export or configuration: the movops modules and the initramfs are built once
against the pristine kernel and every such mutant boots with them (`make boot
verdict`, the fast path); a header mutant gets the whole `make run`, its
modules built against its own headers. A mutant is:

  killed     a named check failed (the first one is shown)
  crash      a splat (oops, BUG, warning, ...) came before any named check
  timeout    the guest ran out of TIMEOUT with neither
  SURVIVED   the run passed: a missing check (make mutants exits 1)
  equivalent the run passed, and the mutant's 'Equivalent:' line says why
             no check can tell it from the kernel (read from the source)
  no-build   the mutant did not apply or compile (a catalogue bug)

Usage: mutants.py [--lock FILE] [--timeout S] [NAME...]
Writes the table to stdout and to build/results/mutants.md (and .json).
"""
import argparse
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import expectations
import splats

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))

CATALOGUE = os.path.join(TOP, 'scripts', 'mutants')
SPLAT_GRACE_S = 5
KTAP_LINE = re.compile(r'^(\s*)(not ok|ok) \d+ (\S+)')
SUBTEST = re.compile(r'^(\s*)# Subtest: (\S+)')


def read_json(path):
    """The JSON object in PATH, or {} when the run did not write it."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def catalogue():
    """{name: (file it mutates, what, slow, equivalent)} for every patch of
    the catalogue. A slow one (a 'Slow:' line: a header) runs only when
    named. EQUIVALENT: its 'Equivalent:' line, why it cannot be told from
    the kernel ('' if it has none): a run that passes is then no failure."""
    out = {}
    for f in sorted(os.listdir(CATALOGUE)):
        if not f.endswith('.patch'):
            continue
        what, path, slow, equiv = '', '', False, ''
        with open(os.path.join(CATALOGUE, f)) as p:
            for line in p:
                if line.startswith('What: '):
                    what = line[6:].strip()
                elif line.startswith('Slow: '):
                    slow = True
                elif line.startswith('Equivalent: '):
                    equiv = line[12:].strip()
                elif line.startswith('+++ b/'):
                    path = line[6:].split()[0]
                    break
        out[f[:-6]] = (path, what, slow, equiv)
    return out


def order(names, cat):
    """Mutants of one file together (one file recompiled per step), headers
    last (they rebuild nearly everything)."""
    return sorted(names, key=lambda n: (not cat[n][0].endswith('.c'), cat[n][0], n))


class KnownNames:
    """'name in known': a known kernel failure (its test glob matches).
    The run is not stopped on one: the verdict judges it (its message)."""
    def __init__(self, entries):
        self.entries = entries

    def __contains__(self, name):
        return any(e.names(name) for e in self.entries)


def first_failure(lines, known):
    """The first failed named check of a KTAP stream that is not a known
    kernel failure, as 'suite.case' or 'name'; None if there is none.
    A suite's own summary line (after its nested cases) is not a check."""
    stack = []          # (indent, name) of the open subtests
    nested_seen = False
    for line in lines:
        m = SUBTEST.match(line)
        if m:
            indent = len(m.group(1))
            stack = [s for s in stack if s[0] < indent] + [(indent, m.group(2))]
            continue
        m = KTAP_LINE.match(line)
        if not m:
            continue
        indent, status, name = len(m.group(1)), m.group(2), m.group(3)
        if indent == 0:
            summary = nested_seen
            nested_seen = False
            stack = []
            if status == 'not ok' and not summary and name not in known:
                return name
            continue
        nested_seen = True
        parents = [s[1] for s in stack if s[0] <= indent]
        full = '.'.join(parents + [name])
        if status == 'not ok' and full not in known:
            return full
    return None


def splat_of(found):
    """The splat to name: its first line that says what happened (a
    'cut here' marker is followed by the WARNING or BUG line)."""
    if not found:
        return None
    named = [f for f in found if 'cut here' not in f[2]]
    n, kind, text = (named or found)[0]
    text = re.sub(r'^\[\s*\d+\.\d+\]\s*', '', text)
    return f'kernel {kind}: {text}'


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', errors='replace').splitlines()
    except OSError:
        return []


def fast(path):
    """A mutant of a .c file (PATH, the file it mutates) changes no header,
    no export and no configuration: the movops modules built against the
    pristine kernel load into its kernel as they are (same release and
    vermagic, no modversions), so they and the initramfs are built once for
    all such mutants and each boots with them. A header's mutant may change
    an inline the modules use: its modules are built against it."""
    return path.endswith('.c')


def base_paths(args):
    """(MOD_SRC, INITRD) of the modules built once against the pristine
    kernel, for the mutants on the fast path."""
    return (f'{args.build}/src-{args.kver}-mutants-base',
            f'{args.build}/initramfs-{args.kver}-mutants-base.cpio.gz')


def make_cmds(name, path, args, results):
    """The two make commands of one mutant: (its kernel build, its run).
    On the fast path the run is the boot and the verdict alone: no set-up,
    no kernel check, no module build, no initramfs."""
    patch = os.path.join(CATALOGUE, name + '.patch')
    if fast(path):
        mod_src, initrd = base_paths(args)
        goals = ['phases-reset', 'boot', 'verdict']
    else:
        mod_src = f'{args.build}/src-{args.kver}-mutants'
        initrd = f'{args.build}/initramfs-{args.kver}-mutants.cpio.gz'
        goals = ['run']
    mk = ['make', '--no-print-directory', '-C', TOP, f'PATCHES={patch}',
          f'RESULTS={results}', f'TIMEOUT={args.timeout}',
          f'MOD_SRC={mod_src}', f'INITRD={initrd}']
    return mk + ['kernel'], mk + goals


def base_cmd(args):
    """Builds (or finds up to date) the pristine kernel, the modules against
    it and the fast path's initramfs."""
    mod_src, initrd = base_paths(args)
    return ['make', '--no-print-directory', '-C', TOP, f'MOD_SRC={mod_src}',
            f'INITRD={initrd}', 'kernel', 'modules', 'initramfs']


BUILT_IN = re.compile(r'movops: kernel \S+ \(\S+\) built in ([0-9.]+) s')


def kmake_s(build_log):
    """The kernel's make alone (build-kernel.sh's 'built in N s'), of the
    mutant's build time; None when make did not run."""
    for line in read(build_log):
        m = BUILT_IN.search(line)
        if m:
            return float(m.group(1))
    return None


def watch_run(run, env, results, known):
    """Run the mutant's boot; stop it at the first named failure that is not
    a known one, or SPLAT_GRACE_S after a kernel splat. Returns (exit
    status, that failure, the splat, whether it was stopped)."""
    ktap = os.path.join(results, 'runner.ktap')
    console = os.path.join(results, 'console.log')
    for f in (ktap, console):
        if os.path.exists(f):
            os.unlink(f)
    with open(os.path.join(results, 'run.log'), 'w') as log:
        proc = subprocess.Popen(run, stdout=log, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
        first = splat = None
        splat_at = None
        stopped = False
        while proc.poll() is None:
            time.sleep(0.5)
            first = first or first_failure(read(ktap), known)
            if splat is None:
                found = splats.scan(read(console))
                if found:
                    splat_at = time.monotonic()
            if splat_at:
                splat = splat_of(splats.scan(read(console)))
            if first or (splat_at and time.monotonic() - splat_at >= SPLAT_GRACE_S):
                os.killpg(proc.pid, signal.SIGTERM)
                stopped = True
                break
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if not stopped:
        first = first_failure(read(ktap), known)
        splat = splat_of(splats.scan(read(console)))
    return proc.returncode, first, splat, stopped


def outcome(rec, args, results, rc, first, splat, stopped, equivalent=''):
    """The mutant's result and the first thing that showed it. EQUIVALENT:
    the catalogue's reason, when a passing run is an equivalent mutant."""
    vm = read_json(os.path.join(results, 'vm.json'))
    verdict = read_json(os.path.join(results, 'results.json'))
    if first:
        rec['result'] = 'killed'
        rec['first'] = first + (f' (after a {splat})' if splat else '')
    elif splat:
        rec['result'] = 'crash'
        rec['first'] = splat
    elif vm.get('ended') == 'timeout':
        rec['result'] = 'timeout'
        rec['first'] = f'no verdict within TIMEOUT={args.timeout}s'
    elif not stopped and verdict.get('verdict') == 'pass' and rc == 0:
        rec['result'] = 'equivalent' if equivalent else 'SURVIVED'
        rec['first'] = equivalent
    else:
        reasons = verdict.get('reasons') or [f'make run failed (exit {rc}), '
                                             f'no named check: {results}/run.log']
        rec['result'] = 'killed'
        rec['first'] = reasons[0]


def run_one(name, path, args, env, results, known, equivalent=''):
    """Build and run one mutant; returns its record."""
    rec = {'mutant': name, 'result': None, 'first': '', 'build_s': 0.0, 'run_s': 0.0,
           'fast': fast(path)}
    os.makedirs(results, exist_ok=True)
    build, run = make_cmds(name, path, args, results)
    t0 = time.monotonic()
    with open(os.path.join(results, 'build.log'), 'w') as log:
        rc = subprocess.call(build, stdout=log, stderr=subprocess.STDOUT, env=env)
    rec['build_s'] = round(time.monotonic() - t0, 1)
    rec['kmake_s'] = kmake_s(os.path.join(results, 'build.log'))
    if rc:
        rec['result'] = 'no-build'
        rec['first'] = f'make kernel failed: {results}/build.log'
        return rec
    t1 = time.monotonic()
    rc, first, splat, stopped = watch_run(run, env, results, known)
    rec['run_s'] = round(time.monotonic() - t1, 1)
    outcome(rec, args, results, rc, first, splat, stopped, equivalent)
    return rec


def fits(budget, elapsed, recs, first_guess=90.0):
    """Whether one more mutant likely ends within BUDGET seconds of the
    start, ELAPSED seconds in: it is guessed to take the mean of RECS."""
    if not budget:
        return True
    each = (sum(r['build_s'] + r['run_s'] for r in recs) / len(recs)) if recs else first_guess
    return elapsed + each <= budget


def table(recs, cat, base_s=None):
    out = ['| mutant | file | result | first named check that failed | build s | run s |',
           '|---|---|---|---|---|---|']
    for r in recs:
        first = r['first'].replace('|', '\\|')[:160]
        out.append(f"| {r['mutant']} | {cat[r['mutant']][0]} | {r['result']} | {first} "
                   f"| {r['build_s']:.0f} | {r['run_s']:.0f} |")
    counts = {}
    for r in recs:
        counts[r['result']] = counts.get(r['result'], 0) + 1
    out.append('')
    total = sum(r['build_s'] + r['run_s'] for r in recs) + (base_s or 0)
    base = '' if base_s is None else f' (modules and initramfs once: {base_s:.0f} s)'
    out.append(', '.join(f'{v} {k}' for k, v in sorted(counts.items())) +
               f" of {len(recs)}; {total / 60:.1f} min{base}")
    return '\n'.join(out)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('names', nargs='*', help='mutants to run (default: the whole catalogue)')
    ap.add_argument('--kver', default=os.environ.get('KVER', '7.3'))
    ap.add_argument('--lock', default='', help='a lock file taken around each mutant')
    ap.add_argument('--lock-hold', type=float, default=0,
                    help='keep the lock for the next mutant while it has been held '
                         'less than this many seconds (default 0: one mutant a lock)')
    ap.add_argument('--timeout', type=int, default=240, help='guest TIMEOUT per mutant')
    ap.add_argument('--budget', type=float, default=0,
                    help='start no mutant that would likely end after this many seconds '
                         'from the start (the mean of the mutants so far, 90 s before the '
                         'first); 0: no limit')
    ap.add_argument('--build', default=os.path.join(TOP, 'build'))
    ap.add_argument('--list', action='store_true', help='list the catalogue and exit')
    return ap.parse_args()


class MutantLock:
    """--lock: taken before a mutant (or the base build) if not held, and
    given up after one once it has been held --lock-hold seconds."""

    def __init__(self, path, hold):
        self.path, self.hold, self.f, self.since = path, hold, None, 0.0

    def take(self):
        if self.path and self.f is None:
            self.f = open(self.path, 'a')
            fcntl.flock(self.f, fcntl.LOCK_EX)
            self.since = time.monotonic()

    def done(self):
        if self.f and time.monotonic() - self.since >= self.hold:
            self.close()

    def close(self):
        if self.f:
            self.f.close()
            self.f = None


def build_base(args, env, lock):
    """The fast path's modules and initramfs, once (under the lock, if one
    is given: it may build the pristine kernel). Returns its seconds, or
    None if it failed."""
    lock.take()
    t0 = time.monotonic()
    log = os.path.join(args.build, 'results', 'mutants-base.log')
    with open(log, 'w') as f:
        rc = subprocess.call(base_cmd(args), stdout=f, stderr=subprocess.STDOUT, env=env)
    base_s = round(time.monotonic() - t0, 1)
    print(f'movops: mutants: modules and initramfs against the pristine kernel '
          f'in {base_s:.0f} s ({log})', flush=True)
    if rc:
        print(f'movops: mutants: the pristine kernel or its modules did not build: {log}',
              file=sys.stderr)
        return None
    return base_s


def run_mutants(names, cat, args, env, lock, base_s, start):
    """Run each mutant that fits the budget; (their records, those left)."""
    known = KnownNames(expectations.load(expectations.KNOWN))
    out_md = os.path.join(args.build, 'results', 'mutants.md')
    recs, left = [], []
    for name in order(names, cat):
        if not fits(args.budget, time.monotonic() - start, recs):
            left.append(name)
            continue
        results = os.path.join(args.build, 'results', 'mutants', name)
        # A header mutant's modules are built against its headers, from
        # scratch: their objects know nothing of a header the variant swaps
        # back with its pristine (older) time.
        if not fast(cat[name][0]):
            shutil.rmtree(f'{args.build}/src-{args.kver}-mutants', ignore_errors=True)
        lock.take()
        try:
            rec = run_one(name, cat[name][0], args, env, results, known, cat[name][3])
        finally:
            lock.done()
        recs.append(rec)
        print(f"movops: mutant {name}: {rec['result']} {rec['first']} "
              f"(build {rec['build_s']:.0f} s, run {rec['run_s']:.0f} s)", flush=True)
        with open(out_md, 'w') as f:
            f.write(f'# Mutants ({args.kver})\n\n' + table(recs, cat, base_s) + '\n')
        with open(out_md[:-3] + '.json', 'w') as f:
            json.dump(recs, f, indent=1)
    return recs, left


def main():
    args = parse_args()
    cat = catalogue()
    if args.list:
        for n, (path, what, slow, equiv) in sorted(cat.items()):
            print(f'{n:32} {path:28} {"(slow) " if slow else ""}{"(equivalent) " if equiv else ""}{what}')
        return 0
    names = args.names or [n for n in cat if not cat[n][2]]
    skipped = [n for n in cat if n not in names]
    unknown = [n for n in names if n not in cat]
    if unknown:
        print(f'movops: no such mutant: {" ".join(unknown)} (make mutants-list)', file=sys.stderr)
        return 2
    # The same run as make check's: the stress phase's offline race stays
    # off (OFFLINE_RACE=10 asks for it): it meets a kernel bug of its own
    # (docs/kernel-bugs.md) that would pass for a kill; isolate-twice is
    # caught without it (isolate_twice_refused).
    env = dict(os.environ, MOVOPS_VARIANT_NAME='mutants', KVER=args.kver)
    env.pop('PATCHES', None)
    out_md = os.path.join(args.build, 'results', 'mutants.md')
    os.makedirs(os.path.dirname(out_md), exist_ok=True)
    start = time.monotonic()
    lock = MutantLock(args.lock, args.lock_hold)
    base_s = None
    if any(fast(cat[n][0]) for n in names):
        base_s = build_base(args, env, lock)
        if base_s is None:
            return 2
    recs, left = run_mutants(names, cat, args, env, lock, base_s, start)
    lock.close()
    notes = []
    if left:
        notes.append(f'\nNot started (budget {args.budget:.0f} s): ' + ' '.join(left) + '\n')
    if skipped and not args.names:
        notes.append('\nNot run (slow, run them by name): ' + ', '.join(skipped) + '\n')
    for note in notes:
        with open(out_md, 'a') as f:
            f.write(note)
        print(note)
    print(table(recs, cat, base_s))
    print(f'movops: {len(recs)} mutants in {(time.monotonic() - start) / 60:.1f} min; table in {out_md}')
    return 1 if left or any(r['result'] in ('SURVIVED', 'no-build') for r in recs) else 0

if __name__ == '__main__':
    sys.exit(main())
