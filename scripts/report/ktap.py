#!/usr/bin/env python3
"""A small KTAP v1 parser: enough for the movops runner and KUnit's debugfs
results (nested subtests indented by four spaces, '# SKIP' directives, plans
at the start or at the end).
"""
import re

_VERSION = re.compile(r'^\s*(?:KTAP|TAP) version (\d+)')
_RESULT = re.compile(r'^(\s*)(ok|not ok) (\d+)(?: -)?(?: ([^#]*?))?\s*(?:#\s*(.*))?$')
_PLAN = re.compile(r'^(\s*)1\.\.(\d+)\s*$')


class Test:
    def __init__(self, name, status, number, directive='', diag=None, log=None):
        self.name = name
        self.status = status        # 'pass', 'fail' or 'skip'
        self.number = number
        self.directive = directive
        self.diag = diag or []      # '# ...' lines just before the result
        # Every line since the previous result line: a KUnit failure's
        # continuation lines ("Expected ...", the message) carry no '#'.
        self.log = log or []
        self.subtests = []

    def to_dict(self):
        d = {'name': self.name, 'status': self.status}
        if self.directive:
            d['directive'] = self.directive
        if self.diag:
            d['diag'] = self.diag
        if self.subtests:
            d['subtests'] = [t.to_dict() for t in self.subtests]
        return d


class Report:
    def __init__(self):
        self.version = None
        self.plan = None
        self.tests = []
        self.errors = []
        self.trailer = []           # '# ...' lines after the last result

    def trailer_has(self, prefix):
        return any(d.startswith(prefix) for d in self.trailer)

    def flat(self, prefix=''):
        """Every leaf test as (dotted name, Test)."""
        out = []

        def walk(tests, pre):
            for t in tests:
                name = f'{pre}{t.name}'
                if t.subtests:
                    walk(t.subtests, name + '.')
                else:
                    out.append((name, t))
        walk(self.tests, prefix)
        return out


def _status(word, directive):
    if directive.upper().startswith('SKIP'):
        return 'skip'
    return 'pass' if word == 'ok' else 'fail'


def parse(lines):
    """Parse the top-level KTAP document found in lines; returns a Report.

    Lines before the 'KTAP version' header and non-KTAP noise are ignored.
    Results at deeper indentation are gathered as subtests of the next
    result line at the level above, as KTAP nests them.
    """
    rep = Report()
    # Pending subtests per indentation depth, and diagnostics.
    pending = {}
    diag = []
    log = []
    for raw in lines:
        line = raw.rstrip('\r\n').replace('\r', '')
        if rep.version is None:
            m = _VERSION.match(line)
            if m:
                rep.version = int(m.group(1))
            continue
        if _VERSION.match(line):
            continue
        m = _PLAN.match(line)
        if m:
            if len(m.group(1)) == 0:
                rep.plan = int(m.group(2))
            continue
        m = _RESULT.match(line)
        if m:
            depth = len(m.group(1).expandtabs(4)) // 4
            directive = (m.group(5) or '').strip()
            name = (m.group(4) or '').strip()
            t = Test(name, _status(m.group(2), directive), int(m.group(3)),
                     directive, diag, log)
            diag = []
            log = []
            t.subtests = pending.pop(depth + 1, [])
            for d in [k for k in pending if k > depth]:
                pending.pop(d)
            if depth == 0:
                rep.tests.append(t)
            else:
                pending.setdefault(depth, []).append(t)
            continue
        stripped = line.strip()
        if stripped:
            log.append(stripped)
        if stripped.startswith('#'):
            diag.append(stripped[1:].strip())
    rep.trailer = diag
    if rep.version is None:
        rep.errors.append('no KTAP version line: the runner never started')
        return rep
    if rep.plan is None:
        rep.errors.append(f'no test plan: output truncated after {len(rep.tests)} results')
    elif rep.plan != len(rep.tests):
        rep.errors.append(f'plan says {rep.plan} tests, {len(rep.tests)} results seen')
    return rep
