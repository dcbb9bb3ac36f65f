#!/usr/bin/env python3
"""Check that a kernel .config honours every line of the given fragments.

Usage: kconfig_check.py DOTCONFIG FRAGMENT...
Exits 1 and names each symbol whose value differs from what a fragment asks.
"""
import re
import sys

_SET = re.compile(r'^(CONFIG_\w+)=(.*)$')
_UNSET = re.compile(r'^# (CONFIG_\w+) is not set$')


def parse(lines):
    """Map symbol -> value ('n' for '# ... is not set') for a config text."""
    conf = {}
    for line in lines:
        line = line.strip()
        m = _SET.match(line)
        if m:
            conf[m.group(1)] = m.group(2)
            continue
        m = _UNSET.match(line)
        if m:
            conf[m.group(1)] = 'n'
    return conf


def missing(dotconfig, wanted):
    """[(symbol, wanted, actual)] for every wanted symbol that does not hold."""
    bad = []
    for sym, val in wanted.items():
        have = dotconfig.get(sym, 'n')
        if have != val:
            bad.append((sym, val, have))
    return bad


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        dotconfig = parse(f)
    wanted = {}
    for frag in argv[2:]:
        with open(frag) as f:
            wanted.update(parse(f))
    bad = missing(dotconfig, wanted)
    for sym, val, have in bad:
        print(f'movops: {sym}={val} required, .config has {sym}={have}',
              file=sys.stderr)
    if bad:
        print('movops: missing kernel config: ' + ' '.join(s for s, _, _ in bad),
              file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
