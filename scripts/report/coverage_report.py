#!/usr/bin/env python3
"""Function and line coverage of the movable_ops paths, from gcov's JSON.

For each function below: entered or not, lines run of lines instrumented,
and every line not run, with its source text and, if --unreached lists it,
the reason. Exit 1 if a function that must exist is not in the profiled
objects, if a function was not entered, or if its lines run are under
--min-lines percent and a line it did not run is not listed.
"""
import argparse
import json
import os
import subprocess
import sys

# (function, object it lives in, must it exist). set_movable_ops() exists
# only where the ops are registered by page type (7.x).
FUNCS = [
    ('isolate_movable_ops_page', 'migrate', True),
    ('migrate_movable_ops_page', 'migrate', True),
    ('putback_movable_ops_page', 'migrate', True),
    ('set_movable_ops', 'migrate', False),
    ('balloon_page_isolate', 'balloon', True),
    ('balloon_page_migrate', 'balloon', True),
    ('balloon_page_putback', 'balloon', True),
    ('zs_page_isolate', 'zsmalloc', True),
    ('zs_page_migrate', 'zsmalloc', True),
    ('zs_page_putback', 'zsmalloc', True),
]


def gcov_json(gcda):
    """gcov's JSON documents for one .gcda (gcc 9 and later)."""
    d = os.path.dirname(gcda)
    p = subprocess.run(['gcov', '-j', '-t', '-o', d, gcda], cwd=d,
                       capture_output=True, text=True, check=True)
    return [json.loads(s) for s in p.stdout.splitlines() if s.startswith('{')]


def collect(obj):
    """{object stem: {function: (source file, fn record, [line records])}}"""
    out = {}
    for root, _, files in os.walk(obj):
        for f in files:
            if not f.endswith('.gcda'):
                continue
            stem = f[:-5]
            for doc in gcov_json(os.path.join(root, f)):
                for src in doc['files']:
                    for fn in src['functions']:
                        lines = [ln for ln in src['lines']
                                 if ln.get('function_name') == fn['name']
                                 or fn['start_line'] <= ln['line_number'] <= fn['end_line']]
                        out.setdefault(stem, {})[fn['name']] = (src['file'], fn, lines)
    return out


def unreached(path):
    """{(function, stripped source line): reason} from --unreached."""
    out = {}
    if path:
        with open(path) as f:
            for s in f:
                if s.strip() and not s.startswith('#'):
                    fn, text, why = (x.strip() for x in s.split(' | ', 2))
                    out[(fn, text)] = why
    return out


def source_line(path, n, cache={}):
    if path not in cache:
        try:
            with open(path, errors='replace') as f:
                cache[path] = f.read().splitlines()
        except OSError:
            cache[path] = []
    lines = cache[path]
    return lines[n - 1].strip() if 0 < n <= len(lines) else '?'


def judge_function(name, stem, required, data, known, min_lines, bad):
    """Print one function's line; its row for --json. Appends to @bad what
    fails it."""
    hit = data.get(stem, {}).get(name)
    if not hit:
        if stem not in data:
            bad.append(f'{stem}.o is not profiled (no {stem}.gcda from the guest)')
        elif required:
            bad.append(f'{name}() not found in {stem}.o')
        else:
            print(f'  {name:<26} {"absent on this kernel":>27}')
        return {'function': name, 'object': stem, 'present': False}
    src, fn, lines = hit
    run = [ln for ln in lines if ln['count'] > 0]
    pct = 100.0 * len(run) / len(lines) if lines else 0.0
    missed = []
    for ln in lines:
        text = source_line(src, ln['line_number'])
        why = known.get((name, text))
        if ln['count'] == 0:
            missed.append({'line': ln['line_number'], 'text': text, 'why': why})
    entered = fn['execution_count'] > 0
    print(f'  {name:<26} {fn["execution_count"]:>8} {len(run):>4} / {len(lines):<4} {pct:>6.1f}')
    for m in missed:
        print(f'      not run: {os.path.basename(src)}:{m["line"]}: {m["text"]}'
              f' ({m["why"] or "NOT EXPLAINED"})')
    for (func, text) in known:
        if func == name and not any(m['text'] == text for m in missed):
            print(f'      listed in --unreached but run now: {text}')
    unexplained = [m for m in missed if not m['why']]
    if not entered:
        bad.append(f'{name}() was never entered')
    elif pct < min_lines and unexplained:
        bad.append(f'{name}(): {pct:.1f}% of lines run, under {min_lines:g}%, '
                   f'{len(unexplained)} line(s) not run without a reason')
    return {'function': name, 'object': stem, 'present': True, 'file': src,
            'calls': fn['execution_count'], 'lines': len(lines),
            'lines_run': len(run), 'percent': round(pct, 1), 'not_run': missed}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--obj', required=True, help='directory of .gcda and .gcno')
    ap.add_argument('--json', help='write the summary here')
    ap.add_argument('--min-lines', type=float, default=90.0)
    ap.add_argument('--unreached', help='function | line | reason, one a line')
    a = ap.parse_args()

    data = collect(a.obj)
    known = unreached(a.unreached)
    bad = []
    print(f'movops coverage: {"function":<26} {"entered":>8} {"lines run":>10} {"%":>6}')
    rows = [judge_function(name, stem, required, data, known, a.min_lines, bad)
            for name, stem, required in FUNCS]
    present = [r for r in rows if r['present']]
    tl = sum(r['lines'] for r in present)
    tr = sum(r['lines_run'] for r in present)
    print(f'  functions entered: {sum(r["calls"] > 0 for r in present)} of {len(present)}; '
          f'lines: {tr} of {tl} ({100.0 * tr / max(tl, 1):.1f}%)')
    if a.json:
        with open(a.json, 'w') as f:
            json.dump({'functions': rows, 'min_lines_percent': a.min_lines,
                       'failures': bad}, f, indent=1)
    for b in bad:
        print(f'movops coverage: FAIL: {b}')
    if not bad:
        print('movops coverage: PASS')
    return 1 if bad else 0

if __name__ == '__main__':
    sys.exit(main())
