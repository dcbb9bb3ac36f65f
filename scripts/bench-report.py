#!/usr/bin/env python3
"""make bench, host side: judge the guest's "movops-bench:" lines (from
scripts/guest/bench.sh) and write bench.json and bench.png.

Rates are pages migrated per second of time spent in alloc_contig_range()
(and free_contig_range()) per page, per repetition; the movable_ops rates
are also given as ratios to the anonymous-page rate of the same repetition.
Exit 1, with every reason, if the guest did not power off by itself, the
kernel splatted, a repetition is missing, or any page did not move or did
not come back intact.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import splats  # noqa: E402

KINDS = ('balloon', 'zsmalloc', 'anon')
PREFIX = 'movops-bench: '
KERNEL_RE = re.compile(r'rep (\d+) (\w+) tries (\d+) moved (\d+) ebusy (\d+) '
                       r'errors (\d+) ns (\d+) bad (\d+)$')
USER_RE = re.compile(r'rep (\d+) user anon pages (\d+) asked (\d+) moved (\d+) intact (\d+)$')


def parse(lines):
    """(config words, {rep: {kind: figures}}, error lines, done)"""
    config, reps, errors, done = {}, {}, [], False
    for raw in lines:
        i = raw.find(PREFIX)
        if i < 0:
            continue
        s = raw[i + len(PREFIX):].strip()
        m = KERNEL_RE.match(s)
        u = USER_RE.match(s)
        if m:
            r, kind = int(m[1]), m[2]
            keys = ('tries', 'moved', 'ebusy', 'errors', 'ns', 'bad')
            reps.setdefault(r, {})[kind] = dict(zip(keys, map(int, m.groups()[2:])))
        elif u:
            keys = ('pages', 'asked', 'moved', 'intact')
            reps.setdefault(int(u[1]), {})['user'] = dict(zip(keys, map(int, u.groups()[1:])))
        elif s.startswith('config '):
            w = s.split()[1:]
            config = dict(zip(w[::2], w[1::2]))
        elif s == 'done':
            done = True
        else:
            errors.append(s)
    return config, reps, errors, done


def check(config, reps, errors, done, min_reps):
    """Every reason the bench cannot be trusted (empty: it can)."""
    bad = [f'guest: {e}' for e in errors]
    if not done:
        bad.append('the guest bench did not finish')
    want = int(config.get('reps', 0))
    if want < min_reps:
        bad.append(f'{want} repetitions configured, at least {min_reps} needed')
    for r in range(1, want + 1):
        rep = reps.get(r, {})
        for kind in KINDS + ('user',):
            if kind not in rep:
                bad.append(f'rep {r}: no {kind} figures')
        for kind in KINDS:
            f = rep.get(kind)
            if not f:
                continue
            if not f['tries'] or f['moved'] != f['tries'] or f['ns'] <= 0:
                bad.append(f'rep {r} {kind}: {f["moved"]} of {f["tries"]} pages moved '
                           f'(ebusy {f["ebusy"]}, errors {f["errors"]})')
            if f['bad']:
                bad.append(f'rep {r} {kind}: {f["bad"]} pages lost or corrupted')
        u, k = rep.get('user'), rep.get('anon')
        if u and (u['asked'] != u['pages'] or u['moved'] != u['pages']
                  or u['intact'] != u['pages']):
            bad.append(f'rep {r} anon: of {u["pages"]} pages {u["asked"]} asked, '
                       f'{u["moved"]} changed PFN, {u["intact"]} intact')
        if u and k and u['moved'] != k['moved']:
            bad.append(f'rep {r} anon: kernel counts {k["moved"]} moved, pagemap {u["moved"]}')
    return bad


def spread(values):
    return {'min': min(values), 'median': statistics.median(values), 'max': max(values)}


def summarise(config, reps):
    rates = {k: [] for k in KINDS}
    ratios = {k: [] for k in KINDS[:2]}
    for r in sorted(reps):
        rate = {k: reps[r][k]['moved'] / (reps[r][k]['ns'] / 1e9) for k in KINDS}
        for k in KINDS:
            rates[k].append(round(rate[k], 1))
        for k in ratios:
            ratios[k].append(round(rate[k] / rate['anon'], 3))
    return {
        'config': config,
        'unit': 'pages/s',
        'method': 'alloc_contig_range() over one PFN per page, timed in the kernel',
        'rates': {k: dict(spread(v), per_rep=v) for k, v in rates.items()},
        'ratios_to_anon': {k: dict(spread(v), per_rep=v) for k, v in ratios.items()},
        'reps': {str(r): reps[r] for r in sorted(reps)},
    }


def chart(res, png, title):
    """Median rate per kind with min..max bars; ratio in the label."""
    gp = shutil.which('gnuplot')
    if not gp:
        return 'gnuplot not found (apt-get install gnuplot-nox)'
    rows = []
    for i, k in enumerate(KINDS):
        s = res['rates'][k]
        label = k if k == 'anon' else \
            f'{k} ({res["ratios_to_anon"][k]["median"]:.2f}x anon)'
        rows.append(f'{i} "{label}" {s["median"]} {s["min"]} {s["max"]}')
    script = f'''
set terminal pngcairo size 640,360 font ",10"
set output "{png}"
set title "{title}"
set ylabel "pages/s (median, min..max)"
set style fill solid 0.6
set boxwidth 0.5
set yrange [0:*]
set xrange [-0.6:2.6]
set grid ytics
unset key
$d << EOD
{chr(10).join(rows)}
EOD
plot $d using 1:3:xtic(2) with boxes lc rgb "#4477aa", \\
     $d using 1:3:4:5 with yerrorbars lc rgb "black" pt 0
'''
    p = subprocess.run([gp], input=script, text=True, capture_output=True)
    return p.stderr.strip() if p.returncode else None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--console', required=True)
    ap.add_argument('--vm-record', required=True)
    ap.add_argument('--out', required=True, help='directory for bench.json and bench.png')
    ap.add_argument('--kver', default='')
    ap.add_argument('--min-reps', type=int, default=3)
    a = ap.parse_args()

    with open(a.console, 'rb') as f:
        lines = f.read().decode('utf-8', errors='replace').splitlines()
    try:
        with open(a.vm_record) as f:
            ended = json.load(f).get('ended')
    except (OSError, ValueError):
        ended = None
    config, reps, errors, done = parse(lines)
    bad = []
    if ended != 'poweroff':
        bad.append(f'guest did not power off by itself: {ended}')
    bad += [f'kernel {kind} at console line {n}: {t}' for n, kind, t in splats.scan(lines)]
    bad += check(config, reps, errors, done, a.min_reps)
    if bad:
        print(f'movops bench {a.kver}: FAIL')
        for b in bad:
            print(f'  {b}')
        return 1

    res = summarise(config, reps)
    res['kver'] = a.kver
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'bench.json'), 'w') as f:
        json.dump(res, f, indent=1)
    png = os.path.join(a.out, 'bench.png')
    err = chart(res, png, f'movops {a.kver}: targeted migration, '
                f'{config.get("reps")} reps, {config.get("cpus")} vCPUs')
    print(f'movops bench {a.kver}: {config.get("reps")} repetitions, pages/s (min / median / max)')
    for k in KINDS:
        s = res['rates'][k]
        print(f'  {k:<10} {s["min"]:>10.1f} {s["median"]:>10.1f} {s["max"]:>10.1f}')
    for k, s in res['ratios_to_anon'].items():
        print(f'  {k}/anon ratio {s["min"]:.2f} / {s["median"]:.2f} / {s["max"]:.2f}')
    print(f'results: {os.path.join(a.out, "bench.json")}')
    if err:
        print(f'movops bench: no chart: {err}')
        return 1
    print(f'chart: {png}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
