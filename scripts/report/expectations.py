#!/usr/bin/env python3
"""What a run may show besides passes: expected skips and known failures.

One module judges both result forms, the VM run's KTAP (verdict.py) and
kunit.py's JSON (known_failures.py), from two lists in the same format:
scripts/report/expected-skips.txt and scripts/report/known-failures.txt (their headers
describe it; docs/verdicts.md says how a run is judged).

An entry applies when its WHEN holds for the run's facts: the kernel
version as the built tree reports it (the .config's header), the flavour,
the .config's symbols and the architecture. Facts come from what the run
recorded, never from the harness's own KVER alone, so a Debian prebuilt
kernel or an arbitrary KSRC tree is judged by what it is.

    python3 scripts/report/expectations.py --config build/kernel-7.3-default/.config
prints the facts and every entry that applies to them.
"""
import argparse
import fnmatch
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SKIPS = os.path.join(HERE, 'expected-skips.txt')
KNOWN = os.path.join(HERE, 'known-failures.txt')
KUNIT_SRC = os.path.normpath(os.path.join(HERE, '..', '..', 'kunit'))

ATTRS = ('match', 'fixed-by')
# An attribute before the reason: match="text with spaces" or fixed-by=NAME.
_ATTR = re.compile(r'^(match|fixed-by)=(?:"([^"]*)"|(\S+))(?:\s+|$)')
# A KUnit failure starts a block: "# case: EXPECTATION FAILED at file:line".
_FAILED_AT = re.compile(r'(?:EXPECTATION|ASSERTION) FAILED at ')
_CONFIG_HEADER = re.compile(r'^# Linux/(\S+) (\S+) Kernel Configuration')
_COND = re.compile(r'^(kver|flavor|kernel|arch)(<=|>=|!=|=|<|>)(\S+)$')
_SYM = re.compile(r'^(!?)(CONFIG_\w+)(?:=(\S+))?$')
# A figure the run recorded itself ("# counter: NAME VALUE" in its KTAP),
# such as a setting the guest ran with: recorded:stress_check_seconds=0.
_REC = re.compile(r'^recorded:(\w+)(!=|=)(\S+)$')
# Console prefixes of kunit.py's raw log: "[    1.234567] ", "[T12] ".
_CONSOLE_PREFIX = re.compile(r'^(?:\[\s*\d+\.\d+\]\s?)?(?:\[\s*[TC]\d+\]\s?)?')


class Entry:
    def __init__(self, when, test, attrs, reason, where):
        self.when = when            # [condition text], all must hold
        self.test = test            # dotted name, '*' globs allowed
        self.match = attrs.get('match', '')
        self.fixed_by = attrs.get('fixed-by', '')
        self.reason = reason
        self.where = where          # 'file:line', for messages

    def names(self, name):
        return fnmatch.fnmatchcase(name, self.test)

    def __repr__(self):
        return f'{self.where}: {",".join(self.when)} {self.test}'


def _version(text):
    """'7.3.4+deb13-amd64' -> (7, 3, 4); '6.12' -> (6, 12)."""
    m = re.match(r'(\d+(?:\.\d+)*)', text)
    return tuple(int(x) for x in m.group(1).split('.')) if m else ()


def _cond_ok(cond):
    if cond == '*':
        return True
    m = _COND.match(cond)
    if m:
        key, op, val = m.groups()
        if key == 'kver':
            return bool(_version(val))
        return op in ('=', '!=')
    if _REC.match(cond):
        return True
    if _version(cond) and re.fullmatch(r'[\d.]+', cond):
        return True                 # a bare version: kver=VERSION
    return bool(_SYM.match(cond))


def list_lines(path):
    """(where, line) of each entry line of a list file: 'file:N' and the
    stripped text; blank lines and '#' comments are not entries."""
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if line and not line.startswith('#'):
                yield f'{os.path.basename(path)}:{n}', line


def load(path, require_match=False):
    """Entries of one list. A malformed line is an error, not ignored."""
    entries = []
    for where, line in list_lines(path):
        parts = line.split(None, 2)
        if len(parts) < 3:
            raise ValueError(f'{where}: needs WHEN TEST [ATTR=VALUE...] REASON')
        when = parts[0].split(',')
        bad = [c for c in when if not _cond_ok(c)]
        if bad:
            raise ValueError(f'{where}: cannot read condition {bad[0]!r}')
        attrs, rest = {}, parts[2]
        while True:
            m = _ATTR.match(rest)
            if not m:
                break
            attrs[m.group(1)] = m.group(2) if m.group(2) is not None else m.group(3)
            rest = rest[m.end():]
        reason = rest.strip()
        if not reason:
            raise ValueError(f'{where}: no reason given')
        if require_match and not attrs.get('match'):
            raise ValueError(f'{where}: a known failure needs match="..." '
                             '(the expectation that must be the one failing)')
        entries.append(Entry(when, parts[1], attrs, reason, where))
    return entries


def read_config(path):
    """(symbols {CONFIG_X: value}, arch, kernel version) of a .config."""
    conf, arch, kver = {}, '', ''
    if not path or not os.path.exists(path):
        return conf, arch, kver
    with open(path, errors='replace') as f:
        for line in f:
            line = line.strip()
            m = _CONFIG_HEADER.match(line)
            if m:
                arch, kver = m.groups()
            elif line.startswith('CONFIG_') and '=' in line:
                k, v = line.split('=', 1)
                conf[k] = v.strip('"')
    if conf.get('CONFIG_X86_64') == 'y':
        arch = 'x86_64'
    elif conf.get('CONFIG_ARM64') == 'y':
        arch = 'arm64'
    elif conf.get('CONFIG_PPC64') == 'y':
        arch = 'ppc64le' if conf.get('CONFIG_CPU_LITTLE_ENDIAN') == 'y' else 'ppc64'
    return conf, arch, kver


def facts(config=None, kver='', flavor='default', arch=None, recorded=None,
          kernel='built'):
    """The run's facts. The .config's version wins over KVER (the harness's
    name for the tree): it is what the tree says it is. RECORDED: {name:
    value} the run recorded itself (its '# counter:' lines). KERNEL: 'built'
    (configured and built by the harness, KSRC= too), or the kind of
    prebuilt kernel booted ('debian', 'debian-rt': KERNEL= of make run)."""
    conf, carch, ckver = read_config(config)
    return {'kver': ckver or kver, 'flavor': flavor or 'default',
            'kernel': kernel or 'built',
            'arch': arch or carch, 'config': conf,
            'config_path': config if conf else None,
            'recorded': dict(recorded or {})}


def _holds(cond, f):
    if cond == '*':
        return True
    m = _REC.match(cond)
    if m:
        # Not recorded at all: neither = nor != holds (the run did not say).
        name, op, val = m.groups()
        have = f.get('recorded', {}).get(name)
        if have is None:
            return False
        return (have == val) == (op == '=')
    m = _COND.match(cond)
    if not m and re.fullmatch(r'[\d.]+', cond):
        m = _COND.match('kver=' + cond)
    if m:
        key, op, val = m.groups()
        if key == 'kver':
            have, want = _version(f['kver']), _version(val)
            if not have:
                return False
            if op in ('=', '!='):
                same = have[:len(want)] == want
                return same if op == '=' else not same
            return {'<': have < want, '<=': have <= want or have[:len(want)] == want,
                    '>': have > want and have[:len(want)] != want,
                    '>=': have >= want}[op]
        same = f[key] == val
        return same if op == '=' else not same
    m = _SYM.match(cond)
    neg, sym, val = m.groups()
    have = f['config'].get(sym, 'n')
    ok = have == val if val else have in ('y', 'm')
    return not ok if neg else ok


def applies(entry, f):
    return all(_holds(c, f) for c in entry.when)


class Case:
    """One leaf result: status is 'pass', 'fail', 'skip' or 'error' (a crash
    or a timeout: never a known failure)."""
    def __init__(self, name, status, reason='', log=()):
        self.name = name
        self.status = status
        self.reason = reason        # a skip's reason (the directive after SKIP)
        self.log = list(log)


def failures(log):
    """The failure blocks of a case's log: each from an 'EXPECTATION/ASSERTION
    FAILED at' line to the next; the whole log when no such line is there
    (the runner's own checks say why in a '# name: ...' line)."""
    blocks, cur = [], None
    for line in log:
        if _FAILED_AT.search(line):
            cur = [line]
            blocks.append(cur)
        elif cur is not None:
            cur.append(line)
    return [' '.join(b) for b in blocks] if blocks else [' '.join(log)]


WHY_WIDTH = 320


def why_failed(name, log):
    """What a failed case's log says went wrong, in one short line: for a
    KUnit case ' at FILE:LINE: ' and the lines its first failed expectation
    printed (the message last); for the runner's own checks ': ' and the text
    of its last '# NAME: ...' line; '' when the log says neither."""
    def cut(text):
        text = ' '.join(text.split())
        return text if len(text) <= WHY_WIDTH else text[:WHY_WIDTH - 3] + '...'
    for i, line in enumerate(log):
        m = _FAILED_AT.search(line)
        if m:
            rest = []
            for more in log[i + 1:]:
                if _FAILED_AT.search(more):
                    break
                rest.append(more)
            return f' at {line[m.end():].strip()}: {cut(" ".join(rest))}'
    leaf = f'# {name.rsplit(".", 1)[-1]}: '
    for line in reversed(log):
        if line.strip().startswith(leaf):
            return f': {cut(line.strip()[len(leaf):])}'
    return ''


def skip_reason(directive):
    """'SKIP no kprobes' -> 'no kprobes'."""
    return re.sub(r'^SKIP\b\s*', '', directive.strip(), flags=re.I)


class Judgement:
    def __init__(self):
        self.reasons = []           # each fails the run
        self.notes = []             # reported, not failed
        self.marks = {}             # name -> label shown beside it
        self.xfail = []             # (name, entry)
        self.fixed = []             # (name, entry): passed thanks to a patch
        self.skipped = []           # (name, entry): an expected skip

    def report(self):
        """Lines for the run's output: what passed or skipped by a rule (with
        the rule's reason: why, and how to run it where it can), the notes."""
        return ([f'XFAIL {n} ({e.where}): {e.reason}' for n, e in self.xfail] +
                [f'SKIP {n} ({e.where}): {e.reason}' for n, e in self.skipped] +
                [f'{n} passed, fixed by {e.fixed_by} ({e.where})' for n, e in self.fixed] +
                [f'note: {note}' for note in self.notes])


def kunit_suites(src=KUNIT_SRC):
    """{suite name: number of cases} from the KUnit sources in SRC."""
    suites = {}
    for path in sorted(glob.glob(os.path.join(src or '', '*.c'))):
        with open(path, errors='replace') as f:
            text = f.read()
        cases = len(re.findall(r'^\s*KUNIT_CASE\w*\(', text, re.M))
        for name in re.findall(r'\.name\s*=\s*"(\w+)"', text):
            suites[name] = cases
    return suites


def judge_skip(j, c, skips, skipped_as_expected):
    """A skipped case: it needs a reason, and with a list, an entry for it."""
    why = skip_reason(c.reason)
    if not why:
        j.reasons.append(f'{c.name} skipped without a reason')
        return
    if skips is None:
        return              # no list: skips are not judged
    e = next((e for e in skips if e.names(c.name) and e.match in why), None)
    if e:
        skipped_as_expected.add(e)
        j.skipped.append((c.name, e))
        j.marks[c.name] = 'SKIP (expected)'
    else:
        j.reasons.append(f'{c.name} skipped, and no entry of expected-skips.txt '
                         f'expects it here: {why}')
        j.marks[c.name] = 'SKIP (unexpected)'


def judge_known(j, c, k):
    """A case with a known failure: it must fail as described."""
    if c.status == 'fail':
        other = [b for b in failures(c.log) if k.match not in b]
        if not other:
            j.xfail.append((c.name, k))
            j.marks[c.name] = 'XFAIL'
        else:
            j.reasons.append(f'{c.name} failed, but not as the known failure '
                             f'({k.where} expects "{k.match}"): {other[0][:300]}')
    elif c.status == 'pass':
        j.reasons.append(f'{c.name} passed: XPASS of a known failure ({k.where}); '
                         'drop the entry if the kernel is fixed')
        j.marks[c.name] = 'XPASS'
    else:
        j.reasons.append(f'{c.name} {c.status}')


def judge_case(j, c, known, skips, patches, expect_fail, skipped_as_expected):
    k = next((e for e in known if e.names(c.name)), None)
    if k and k.fixed_by and k.fixed_by in patches:
        if c.status == 'pass':
            j.fixed.append((c.name, k))
            j.marks[c.name] = f'PASS (fixed by {k.fixed_by})'
        else:
            j.reasons.append(f'{c.name} {c.status}: the kernel carries {k.fixed_by}, '
                             f'which fixes this known failure ({k.where})')
    elif c.name in expect_fail:
        if c.status != 'fail':
            j.reasons.append(f'{c.name} was expected to fail but is {c.status}')
        else:
            j.marks[c.name] = 'FAIL (expected)'
    elif c.status == 'skip':
        judge_skip(j, c, skips, skipped_as_expected)
    elif k:
        judge_known(j, c, k)
    elif c.status in ('fail', 'error'):
        j.reasons.append(f'{c.name} failed{why_failed(c.name, c.log)}' if c.status == 'fail'
                         else f'{c.name} {c.status}')


def judge_absent(j, cases, known, skips, expect_fail, skipped_as_expected):
    """What the lists expected and did not happen."""
    names = {c.name for c in cases}
    ran_suites = {n.split('.', 1)[0] for n in names if '.' in n}
    # A known failure that did not run: a failure when its suite ran (the
    # test went, or was renamed), a note when the run did not include that
    # suite at all (MOVOPS_ONLY=movops, make stress).
    for k in known:
        if '*' not in k.test and k.test not in names:
            msg = f'{k.test}: known failure did not run ({k.where})'
            if k.test.split('.', 1)[0] in ran_suites:
                j.reasons.append(msg)
            else:
                j.notes.append(msg)
    for name in sorted(set(expect_fail) - names):
        j.reasons.append(f'{name} was expected to fail but did not run')
    # A listed skip that did not happen: a note, so that the list stays true.
    # Not for a test this run never included (make stress's checks in a
    # make run, a suite the run did not load).
    for e in skips or ():
        if e in skipped_as_expected:
            continue
        ran = [c for c in cases if e.names(c.name)]
        if ran:
            what = ', '.join(f'{c.name} {c.status}' for c in ran[:3])
        elif '.' in e.test and e.test.split('.', 1)[0] in ran_suites:
            what = 'did not run'
        else:
            continue
        j.notes.append(f'expected skip did not happen ({e.where}: {e.test}): {what}')


def judge_suites(j, cases, suites):
    """A KUnit suite in which every case skipped tested nothing. (The
    runner's own checks are no suite: MOVOPS_ONLY=kunit leaves only its
    kmemleak check, skipped on most flavours.)"""
    groups = {}
    for c in cases:
        suite = c.name.split('.', 1)[0] if '.' in c.name else ''
        groups.setdefault(suite, []).append(c.status)
    for suite, st in sorted(groups.items()):
        if suite and st and all(s == 'skip' for s in st):
            j.reasons.append(f'every case of {suite} skipped ({len(st)}): nothing was tested')
    for c in cases:
        if c.name in suites and c.status == 'skip':
            j.reasons.append(f'KUnit suite {c.name} skipped as a whole: nothing was tested')
    if not cases:
        j.reasons.append('no test ran')


def judge(cases, f, known, skips, patches=(), expect_fail=(), suites=()):
    """Judge leaf cases against the lists. KNOWN and SKIPS are entries (all of
    them: judge picks those whose WHEN holds for facts F); SKIPS None: no
    list of expected skips, a skip with a reason is not judged. PATCHES: names of
    the patches the kernel was built with. EXPECT_FAIL: names an injection
    makes fail (they must fail, with any message). SUITES: names of the
    KUnit suites; one reported as a single skipped result skipped whole."""
    j = Judgement()
    patches = {os.path.basename(p) for p in patches if p}
    known = [e for e in known if applies(e, f)]
    if skips is not None:
        skips = [e for e in skips if applies(e, f)]
    skipped_as_expected = set()
    for c in cases:
        judge_case(j, c, known, skips, patches, expect_fail, skipped_as_expected)
    judge_absent(j, cases, known, skips, expect_fail, skipped_as_expected)
    judge_suites(j, cases, suites)
    return j


def console_lines(lines):
    """A raw console's lines without their printk prefixes."""
    return [_CONSOLE_PREFIX.sub('', l.rstrip('\r\n').replace('\r', '')) for l in lines]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--config')
    ap.add_argument('--kver', default='')
    ap.add_argument('--flavor', default='default')
    ap.add_argument('--kernel', default='built')
    a = ap.parse_args(argv[1:])
    f = facts(a.config, a.kver, a.flavor, kernel=a.kernel)
    print(f'facts: kver {f["kver"]}, flavor {f["flavor"]}, kernel {f["kernel"]}, arch {f["arch"]}, '
          f'{len(f["config"])} config symbols')
    for path, req in ((SKIPS, False), (KNOWN, True)):
        for e in load(path, require_match=req):
            if applies(e, f):
                print(f'  {e.where}: {e.test}: {e.reason}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
