#!/usr/bin/env python3
"""Turn one guest run into a verdict.

Reads the console log, the runner's KTAP stream (falls back to the KTAP on
the console when the stream is empty), QEMU's record and the phase timings;
writes results.ktap, results.json and counters.txt into --out; prints a
summary. Exit 0 only when every test passed, failed as a known kernel failure
(scripts/report/known-failures.txt, matched on what failed) or skipped as an expected
skip (scripts/report/expected-skips.txt), the KTAP is complete, no kernel splat was
printed and the guest ended by itself. With --expect-fail, the named tests
must fail and every other must pass. docs/verdicts.md has the rules.
"""
import argparse
import json
import os
import sys

import expectations
import ktap
import splats

TAIL = 40
# The runner's last line: it got to the end.
DONE = 'movops-done'


def read_lines(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, 'rb') as f:
        return f.read().decode('utf-8', errors='replace').splitlines()


def read_phases(path):
    phases = {}
    for line in read_lines(path):
        parts = line.split()
        if len(parts) == 2:
            try:
                phases[parts[0]] = phases.get(parts[0], 0.0) + float(parts[1])
            except ValueError:
                pass
    return phases


def counters_of(report_lines):
    """'# counter: name value' diagnostics, in order, last value wins."""
    out = {}
    for line in report_lines:
        s = line.strip().replace('\r', '')
        if s.startswith('# counter: '):
            parts = s[len('# counter: '):].split()
            if len(parts) == 2:
                out[parts[0]] = parts[1]
    return out


def not_run(stream, rep, suites):
    """What the runner meant to run and never reached, from its
    '# movops-plan:' and '# movops-phase:' lines; [] when it told nothing."""
    plan, started = None, []
    for line in stream:
        s = line.strip().replace('\r', '')
        if s.startswith('# movops-plan:'):
            plan = s.split(':', 1)[1].split()
        elif s.startswith('# movops-phase:'):
            started.append(s.split(':', 1)[1].strip())
    if plan is None:
        return []
    out = []
    flat = rep.flat()
    last = started[-1] if started else None
    if last:
        done = f'last result: {flat[-1][0]}' if flat else 'no result yet'
        out.append(f'phase {last} cut short ({len(flat)} results in all, {done})')
    rest = plan[plan.index(last) + 1:] if last in plan else plan
    if rest:
        out.append('phases not run: ' + ', '.join(rest))
    if 'kunit' in rest or last == 'kunit':
        seen = {t.name for t in rep.tests}
        missing = [f'{n} ({c} cases)' for n, c in suites.items() if n not in seen]
        if missing:
            out.append('KUnit suites not run: ' + ', '.join(missing))
    return ['not run: ' + '; '.join(out)] if out else []


def cases_of(rep):
    """The KTAP's leaf results as expectations.Case."""
    return [expectations.Case(n, t.status, t.directive if t.status == 'skip' else '', t.log)
            for n, t in rep.flat()]


def judge(rep, found, vm, expect_fail=(), facts=None, known=(), skips=(), patches=(),
          missing=(), suites=()):
    """(reasons the run failed (empty: it passed), expectations.Judgement).
    MISSING: what the runner never reached (not_run()), shown when the guest
    did not finish."""
    facts = facts or expectations.facts()
    ended = vm.get('ended')
    j = expectations.judge(cases_of(rep), facts, known, skips, patches, set(expect_fail),
                           suites)
    if ended and ended != 'poweroff':
        # The guest did not finish: that is the cause, and whatever KTAP is
        # missing follows from it. Splats say why, so they stay; so do the
        # tests that failed before it, and what never ran.
        return ([f'guest did not power off by itself: {ended}'] +
                [f'kernel {kind} at console line {n}: {text}' for n, kind, text in found] +
                [f'{n} failed{expectations.why_failed(n, t.log)}'
                 for n, t in rep.flat() if t.status == 'fail'
                 and n not in expect_fail] + list(missing)), j
    reasons = list(rep.errors)
    if rep.version is not None and not any(
            d.startswith(DONE) for _, t in rep.flat() for d in t.diag) \
            and not rep.trailer_has(DONE):
        reasons.append('the runner did not finish (guest died or output truncated)')
    for lineno, kind, text in found:
        reasons.append(f'kernel {kind} at console line {lineno}: {text}')
    if rep.version is None:
        # Nothing ran: the KTAP error says so; the lists have nothing to judge.
        return reasons, j
    return reasons + j.reasons, j


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--console', required=True)
    ap.add_argument('--ktap', help="the runner's KTAP stream")
    ap.add_argument('--vm-record')
    ap.add_argument('--phases')
    ap.add_argument('--kernel-timings',
                    help="fetch/config/build seconds of the kernel build's last real build")
    ap.add_argument('--out', required=True)
    ap.add_argument('--kver', default='')
    ap.add_argument('--expect-fail', default='',
                    help='comma-separated test names that must fail')
    ap.add_argument('--config', help="the kernel's .config (version, arch, symbols)")
    ap.add_argument('--flavor', default='default')
    ap.add_argument('--kernel', default='built',
                    help="'built' (the harness configured and built it), or the prebuilt "
                         "kernel's kind: debian, debian-rt")
    ap.add_argument('--patches', default='',
                    help='names of the patches the kernel carries (space or comma separated)')
    ap.add_argument('--known', default=expectations.KNOWN)
    ap.add_argument('--skips', default=expectations.SKIPS)
    ap.add_argument('--kunit-src', default=expectations.KUNIT_SRC,
        help='KUnit sources: the suites a guest that died never ran')
    return ap.parse_args(argv)


class Run:
    """What one boot left (console, KTAP, VM record) and its judgement."""

    def __init__(self, args):
        self.console = read_lines(args.console)
        # Without a separate KTAP stream (a user's own VM), the console is it.
        self.stream = read_lines(args.ktap) if args.ktap else self.console
        self.rep = ktap.parse(self.stream)
        self.found = splats.scan(self.console)
        self.vm = {}
        if args.vm_record and os.path.exists(args.vm_record):
            with open(args.vm_record) as f:
                self.vm = json.load(f)
        self.start = next((i for i, l in enumerate(self.stream)
                           if l.strip().startswith('KTAP version')), len(self.stream))
        self.counters = counters_of(self.stream[self.start:])
        self.facts = expectations.facts(args.config, args.kver, args.flavor,
                                        recorded=self.counters, kernel=args.kernel)
        known = expectations.load(args.known, require_match=True)
        skips = expectations.load(args.skips) if os.path.exists(args.skips) else None
        self.patches = [p for p in args.patches.replace(',', ' ').split() if p]
        self.expect_fail = {n for n in args.expect_fail.split(',') if n}
        suites = expectations.kunit_suites(args.kunit_src)
        missing = not_run(self.stream, self.rep, suites)
        self.reasons, self.j = judge(self.rep, self.found, self.vm, self.expect_fail,
                                     self.facts, known, skips, self.patches, missing,
                                     suites)
        self.verdict = 'pass' if not self.reasons else 'fail'
        self.flat = self.rep.flat()
        self.phases = read_phases(args.phases)
        for key in ('boot_s', 'tests_s'):
            if key in self.vm:
                self.phases[key[:-2]] = self.vm[key]


def result_of(args, run):
    """results.json's content."""
    j, flat = run.j, run.flat
    return {
        'kver': args.kver,
        'verdict': run.verdict,
        'reasons': run.reasons,
        'facts': {k: run.facts[k] for k in ('kver', 'flavor', 'kernel', 'arch', 'config_path')},
        'patches': run.patches,
        'expect_fail': sorted(run.expect_fail),
        'xfail': [{'name': n, 'match': e.match, 'reason': e.reason, 'entry': e.where}
                  for n, e in j.xfail],
        'known_failures': {n: e.reason for n, e in j.xfail},
        'fixed': [{'name': n, 'fixed_by': e.fixed_by, 'entry': e.where} for n, e in j.fixed],
        'expected_skips': [{'name': n, 'reason': e.reason, 'entry': e.where}
                           for n, e in j.skipped],
        'notes': j.notes,
        'summary': {s: sum(1 for _, t in flat if t.status == s)
                    for s in ('pass', 'fail', 'skip')},
        'tests': [dict(t.to_dict(), name=n, **({'mark': j.marks[n]} if n in j.marks else {}))
                  for n, t in flat],
        'splats': [{'line': n, 'kind': k, 'text': t} for n, k, t in run.found],
        'ktap_errors': run.rep.errors,
        'vm': {k: v for k, v in run.vm.items() if k != 'argv'},
        'phases_s': {k: round(v, 3) for k, v in run.phases.items()},
        'kernel_last_build_s': read_phases(args.kernel_timings),
        'counters': run.counters,
    }


def write_results(args, run, result):
    """results.ktap, counters.txt and results.json in args.out."""
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'results.ktap'), 'w') as f:
        for line in run.stream[run.start:]:
            f.write(line.replace('\r', '') + '\n')
    with open(os.path.join(args.out, 'counters.txt'), 'w') as f:
        for k, v in run.counters.items():
            f.write(f'{k} {v}\n')
    with open(os.path.join(args.out, 'results.json'), 'w') as f:
        json.dump(result, f, indent=1)


def print_failure(args, run):
    """Why the run failed, the fatal splat, the console's and QEMU's tails."""
    console, found, vm = run.console, run.found, run.vm
    print(f'movops {args.kver}: FAIL')
    for r in run.reasons:
        print(f'  - {r}')
    first = next((n for n, kind, text in found if splats.ends_run(kind, text)), None)
    tail_from = max(0, len(console) - TAIL)
    if first is not None and first - 1 < tail_from:
        # The splat that killed the kernel, when the tail does not show
        # its start.
        print(f'--- the fatal splat, console line {first} ---')
        for line in console[first - 1:min(first - 1 + TAIL, tail_from)]:
            print('  ' + line.replace('\r', ''))
    print(f'--- last {TAIL} console lines ({args.console}) ---')
    for line in [l for l in console[tail_from:] if 'movops-alive' not in l]:
        print('  ' + line.replace('\r', ''))
    print('---')
    if vm.get('qemu_stderr'):
        print("--- QEMU's stderr (its tail) ---")
        for line in vm['qemu_stderr'].splitlines()[-TAIL:]:
            print('  ' + line)
        print('---')


def print_report(args, run, result):
    """One line per test, then the verdict and the closing count."""
    j, flat, expect_fail = run.j, run.flat, run.expect_fail
    width = max([len(n) for n, _ in flat] + [20])
    print(f'movops {args.kver}: {"test":<{width}}  result')
    for name, t in flat:
        mark = j.marks.get(name) or {'pass': 'PASS', 'fail': 'FAIL', 'skip': 'SKIP'}[t.status]
        extra = f'  {expectations.skip_reason(t.directive)}' if t.status == 'skip' else ''
        print(f'  {name:<{width}}  {mark}{extra}')
    s = result['summary']
    if run.phases:
        print('  phases: ' + ', '.join(f'{k} {v:.1f}s' for k, v in run.phases.items()))
    if run.reasons:
        print_failure(args, run)
    else:
        print(f'movops {args.kver}: PASS')
    for line in j.report():
        print(f'  {line}')
    # The closing line counts as summary.py does: a known kernel failure
    # that failed (XFAIL) or an injected one that failed is not a failure.
    xfail = len(j.xfail)
    expected = sum(1 for n, t in flat if t.status == 'fail' and n in expect_fail)
    if xfail or expected:
        print(f'  {xfail} known kernel failures (XFAIL), {expected} injected failures seen failing')
    xpass = sum(1 for n, t in flat if t.status == 'pass' and n in expect_fail)
    print(f'{s["pass"] - xpass} passed, {s["fail"] - xfail - expected + xpass} failed, '
          f'{s["skip"]} skipped')
    print(f'results: {args.out}/results.json')


def main():
    args = parse_args()
    run = Run(args)
    result = result_of(args, run)
    write_results(args, run, result)
    print_report(args, run, result)
    return 0 if run.verdict == 'pass' else 1


if __name__ == '__main__':
    sys.exit(main())
