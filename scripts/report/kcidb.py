#!/usr/bin/env python3
"""A movops run as KCIDB report data (schema v5.0), for KernelCI's database.

Usage: kcidb.py [--validate SCHEMA] [--log-base URL] RESULTS_DIR...
Reads each RESULTS_DIR (one target's last run: results.json, vm.json,
console.log, as make run leaves them) and writes RESULTS_DIR/kcidb.json:
one checkout (the kernel source), one build (the kernel), and the tests:
'movops', the run as a whole, and 'movops.<check>' for each check (KUnit
cases as 'movops.<suite>.<case>'). Statuses: PASS, FAIL, SKIP from the
KTAP; a run whose guest never booted or whose QEMU could not start is MISS
(the harness failed, nothing is known of the kernel), one that started but
did not finish without a kernel splat is ERROR. Never FAIL for those: FAIL
is the kernel's. Key counters go to the 'movops' test's misc, a check's own
figure to its misc. --validate checks each file against the schema
(python3-jsonschema); exit 1 when one does not validate.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

import expectations

ORIGIN = 'movops'
VERSION = {'major': 5, 'minor': 0}
_BAD_PATH_CHARS = re.compile(r'[^a-zA-Z0-9_-]')
_INT = re.compile(r'^-?\d+$')
EXCERPT_MAX = 16384


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_text(path, default=''):
    try:
        with open(path, errors='replace') as f:
            return f.read()
    except OSError:
        return default


def path_of(name):
    """'suite.case' -> 'movops.suite.case', each part made a valid KCIDB node."""
    parts = [_BAD_PATH_CHARS.sub('_', p) or '_' for p in name.split('.')]
    return '.'.join([ORIGIN] + parts)


def url_of(path, log_base, results_dir):
    if log_base:
        return log_base.rstrip('/') + '/' + os.path.relpath(path, os.path.dirname(results_dir))
    return 'file://' + os.path.abspath(path)


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).isoformat()


def kernel_build(vm):
    """The kernel build directory the run booted, from QEMU's argv, or None."""
    argv = vm.get('argv') or []
    if '-kernel' not in argv:
        return None
    image = os.path.realpath(argv[argv.index('-kernel') + 1])
    for suffix in IMAGES:
        if image.endswith(os.sep + suffix):
            return image[:-len(suffix)].rstrip('/')
    return None


# The image each architecture boots (scripts/host/arch.sh's KIMAGE).
IMAGES = [os.path.join('arch', 'x86', 'boot', 'bzImage'),
          os.path.join('arch', 'arm64', 'boot', 'Image'), 'vmlinux']


def arch_of(bdir):
    """The build's architecture, from its .config (x86_64 if unknown)."""
    return expectations.read_config(os.path.join(bdir, '.config'))[1] or 'x86_64'


def checkout_and_build(target, res, vm):
    kver = res.get('kver') or target.split('-')[0]
    bdir = kernel_build(vm)
    if not bdir:
        # No kernel was booted (QEMU missing, no record): what the target
        # name says, and nothing more.
        checkout = {'id': f'{ORIGIN}:linux-{kver}', 'origin': ORIGIN,
                    'comment': f'Linux {kver} (the run recorded no kernel)'}
        build = {'id': f'{ORIGIN}:{target}', 'origin': ORIGIN,
                 'checkout_id': checkout['id'], 'architecture': 'x86_64',
                 'comment': f'movops target {target}: no kernel recorded'}
        return checkout, build
    name = os.path.basename(bdir)
    src = os.path.realpath(os.path.join(bdir, 'source'))
    src_id = os.path.basename(os.path.dirname(src)) if os.path.isdir(src) else name
    checkout = {'id': f'{ORIGIN}:{src_id}', 'origin': ORIGIN, 'valid': True,
                'comment': f'Linux source {src_id}',
                'misc': {'source_dir': src}}
    m = re.match(r'^(linux-source-[0-9.]+)-(.+)$', src_id)
    if m:
        checkout['tree_name'] = f'debian-{m.group(1)}'
        checkout['comment'] = f"Debian's {m.group(1)} {m.group(2)}"
    try:
        head = subprocess.run(['git', '-C', src, 'rev-parse', 'HEAD'], capture_output=True,
                              text=True, timeout=10)
        if head.returncode == 0 and re.match(r'^[0-9a-f]{40}$', head.stdout.strip()) and \
                os.path.exists(os.path.join(src, '.git')):
            checkout['git_commit_hash'] = head.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    compile_h = read_text(os.path.join(bdir, 'include', 'generated', 'compile.h'))
    cm = re.search(r'#define LINUX_COMPILER "([^"]*)"', compile_h)
    flavor = name[len(kver) + 1:].split('-deb-')[0].split('-ksrc-')[0] \
        if name.startswith(kver + '-') else ''
    arch = arch_of(bdir)
    build = {'id': f'{ORIGIN}:{name}', 'origin': ORIGIN, 'checkout_id': checkout['id'],
             'architecture': arch, 'config_name': flavor or 'default',
             'comment': f'movops kernel {kver}, flavour {flavor or "default"}',
             'status': 'PASS' if any(os.path.exists(os.path.join(bdir, i)) for i in IMAGES)
             else 'MISS',
             'misc': {'kernelrelease': read_text(os.path.join(bdir, 'include', 'config',
                                                              'kernel.release')).strip(),
                      'build_dir': bdir}}
    if os.path.exists(os.path.join(bdir, '.config')):
        build['config_url'] = 'file://' + os.path.join(bdir, '.config')
    if cm:
        build['compiler'] = cm.group(1)
    timings = {}
    for line in read_text(os.path.join(bdir, '.movops-timings')).splitlines():
        k, _, v = line.partition(' ')
        try:
            timings[k] = float(v)
        except ValueError:
            pass
    if 'build' in timings:
        build['duration'] = timings['build']
    return checkout, build


def run_status(res, vm, target_dir):
    """(status of the whole run, why) for the 'movops' test."""
    ended = (vm or {}).get('ended') or ''
    ksft = read_json(os.path.join(target_dir, 'kselftest.json'))
    if res is None and ksft and ksft.get('expect') == 'skip' and ksft.get('verdict') == 'pass':
        # make kselftest-check on a kernel the suite does not apply to.
        return 'SKIP', ksft.get('skip_reason', '')
    if res is None:
        if ended.startswith('could not start QEMU') or not vm:
            return 'MISS', f'the guest never ran: {ended or "no vm.json in " + target_dir}'
        return 'MISS', f'no results.json (verdict never ran); QEMU: {ended}'
    if ended.startswith('could not start QEMU') or ended == 'interrupted':
        return 'MISS', f'the guest never ran: {ended}'
    tests = res.get('tests', [])
    splats = res.get('splats', [])
    never_started = any('no KTAP version line' in e for e in res.get('ktap_errors', []))
    if splats:
        return 'FAIL', '; '.join(f"kernel {s['kind']}: {s['text']}" for s in splats[:3])
    if any(t['status'] == 'fail' for t in tests):
        return 'FAIL', '; '.join(f"{t['name']} failed" for t in tests if t['status'] == 'fail')
    if never_started and not tests:
        return 'MISS', f'the guest never booted to the runner (QEMU: {ended or "?"})'
    if res.get('verdict') != 'pass':
        return 'ERROR', '; '.join(res.get('reasons', [])) or 'the run did not finish'
    return 'PASS', ''


def figure(t):
    """A check's own figure: the last '# name: VALUE' diagnostic, if one integer."""
    for d in reversed(t.get('diag', [])):
        k, _, v = d.partition(': ')
        if k == t['name'].split('.')[-1] and _INT.match(v.strip()):
            return int(v.strip())
    return None


def environment(build, vm):
    env = {'comment': 'QEMU x86_64 guest, 2 vCPUs, boot RAM plus a DIMM onlined movable, virtio-balloon'}
    if build.get('architecture', 'x86_64') != 'x86_64':
        env = {'comment': f"QEMU {build['architecture']} guest (TCG), 2 vCPUs, 1 GiB of RAM "
               'plus 512 MiB hot-added by the guest, onlined movable, virtio-balloon'}
    if vm.get('accel'):
        env['misc'] = {'accel': vm['accel'], 'accel_reason': vm.get('accel_reason', '')}
    return env


def make_test(ctx, path, status, **kw):
    """One KCIDB test of the target CTX describes; empty fields left out."""
    t = {'id': f"{ORIGIN}:{ctx['target']}:{ctx['stamp']}:{path}", 'origin': ORIGIN,
         'build_id': ctx['build']['id'], 'path': path, 'status': status,
         'environment': ctx['env']}
    if ctx['mtime']:
        t['start_time'] = iso(ctx['mtime'])
    if ctx['log_url']:
        t['log_url'] = ctx['log_url']
    t.update({k: v for k, v in kw.items() if v not in (None, '', {}, [])})
    if 'log_excerpt' in t:
        t['log_excerpt'] = t['log_excerpt'][-EXCERPT_MAX:]
    return t


def leaf_tests(ctx, res):
    """A KCIDB test per result of the run (the first of each path)."""
    expect_fail = set(res.get('expect_fail', []))
    known = res.get('known_failures') or {}
    tests, names = [], set()
    for t in res.get('tests', []):
        path = path_of(t['name'])
        if path in names:
            continue
        names.add(path)
        st = {'pass': 'PASS', 'fail': 'FAIL', 'skip': 'SKIP'}[t['status']]
        misc = {}
        fig = figure(t)
        if fig is not None:
            misc['value'] = fig
        if t['name'] in known:
            misc['known_kernel_failure'] = known[t['name']]
        injected = t['name'] in expect_fail and t['name'] not in known
        if injected:
            misc['injected_fault'] = True
        tests.append(make_test(ctx, path, st,
                               comment=re.sub(r'^SKIP\s*', '', t.get('directive', ''))
                               if st == 'SKIP' else None,
                               log_excerpt='\n'.join(t.get('diag', [])) if st == 'FAIL' else None,
                               waived=True if injected and st == 'FAIL' else None,
                               misc=misc))
    return tests


def report(target_dir, log_base=None):
    target_dir = os.path.abspath(target_dir)
    target = os.path.basename(target_dir)
    res = read_json(os.path.join(target_dir, 'results.json'))
    vm = read_json(os.path.join(target_dir, 'vm.json')) or {}
    checkout, build = checkout_and_build(target, res or {}, vm)
    mtime = max([os.path.getmtime(p) for p in
                 (os.path.join(target_dir, f) for f in ('results.json', 'vm.json', 'console.log'))
                 if os.path.exists(p)] or [0])
    console = os.path.join(target_dir, 'console.log')
    ctx = {'target': target, 'build': build, 'env': environment(build, vm), 'mtime': mtime,
           'stamp': datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc)
           .strftime('%Y%m%dT%H%M%SZ'),
           'log_url': url_of(console, log_base, target_dir) if os.path.exists(console) else None}
    status, why = run_status(res, vm, target_dir)
    res = res or {}
    counters = {}
    for k, v in (res.get('counters') or {}).items():
        counters[k] = int(v) if _INT.match(str(v)) else v
    tail = '\n'.join(read_text(console).splitlines()[-40:])
    tests = [make_test(ctx, ORIGIN, status,
                       comment=f'movops target {target}: {why}' if why else f'movops target {target}',
                       log_excerpt=(why + '\n' + tail) if status != 'PASS' else None,
                       duration=vm.get('tests_s'),
                       misc={'verdict': res.get('verdict', 'none'), 'reasons': res.get('reasons', []),
                             'counters': counters, 'vm_ended': vm.get('ended', ''),
                             'expect_fail': sorted(set(res.get('expect_fail', []))),
                             'summary': res.get('summary', {})})]
    tests += leaf_tests(ctx, res)
    return {'version': VERSION, 'checkouts': [checkout], 'builds': [build], 'tests': tests}


def validate(data, schema):
    import jsonschema
    v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
            for e in sorted(v.iter_errors(data), key=lambda e: list(e.absolute_path))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('dirs', nargs='+', metavar='RESULTS_DIR')
    ap.add_argument('--validate', metavar='SCHEMA', help='KCIDB JSON schema to check against')
    ap.add_argument('--log-base', help='URL under which the results directories are published '
                    '(default: file:// URLs)')
    args = ap.parse_args(argv)
    schema = None
    if args.validate:
        with open(args.validate) as f:
            schema = json.load(f)
    rc = 0
    for d in args.dirs:
        data = report(d, args.log_base)
        out = os.path.join(d, 'kcidb.json')
        with open(out, 'w') as f:
            json.dump(data, f, indent=1)
        counts = {}
        for t in data['tests']:
            counts[t['status']] = counts.get(t['status'], 0) + 1
        line = f"{out}: movops {data['tests'][0]['status']}, " + \
            ', '.join(f'{n} {s}' for s, n in sorted(counts.items()))
        if schema is not None:
            errors = validate(data, schema)
            line += f"; schema v{VERSION['major']}.{VERSION['minor']}: " + \
                ('valid' if not errors else f'{len(errors)} errors')
            for e in errors[:20]:
                line += f'\n  - {e}'
            rc |= bool(errors)
        print(line)
    return rc


if __name__ == '__main__':
    sys.exit(main())
