#!/usr/bin/env python3
"""Render a LAVA test definition's run steps as the shell script LAVA runs.

Usage: lava_steps.py DEFINITION.yaml [NAME=VALUE...] > run.sh
LAVA writes each 'params' entry as a shell variable (a job's parameters
override the defaults), then the 'run: steps:' lines, one after another, into
one script. make kselftest-check runs that script in its guest, with a stub
lava-test-case on PATH, so the definition we ship is the one tested.
"""
import shlex
import sys

import yaml


def render(definition, overrides):
    for key in ('metadata', 'run'):
        if key not in definition:
            raise ValueError(f'no "{key}" section')
    for key in ('format', 'name'):
        if key not in definition['metadata']:
            raise ValueError(f'metadata has no "{key}"')
    steps = definition['run'].get('steps')
    if not steps or not all(isinstance(s, str) for s in steps):
        raise ValueError('run: steps: must be a list of shell lines')
    params = dict(definition.get('params') or {})
    params.update(overrides)
    out = ['#!/bin/sh', f"# {definition['metadata']['name']}: rendered as LAVA runs it"]
    out += [f'{k}={shlex.quote(str(v))}' for k, v in params.items()]
    out += steps
    return '\n'.join(out) + '\n'


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        definition = yaml.safe_load(f)
    overrides = dict(a.split('=', 1) for a in argv[2:])
    try:
        sys.stdout.write(render(definition, overrides))
    except ValueError as e:
        print(f'movops: {argv[1]}: {e}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
