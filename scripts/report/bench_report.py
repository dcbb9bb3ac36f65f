#!/usr/bin/env python3
"""make bench, host side: judge the guest's "movops-bench:" lines (from
scripts/guest/bench.sh) and write bench.json and bench.png.

Single-PFN rows ("rep"): pages migrated per second of time spent in
alloc_contig_range() (and free_contig_range()) over one PFN per page, per
repetition; what a targeted test costs. Batched rows ("brep"): pages the
kernel migrated (pgmigrate_success) per second of time spent in one
alloc_contig_range() per whole pageblock, in pages/s and MiB/s, beside the
guest's own copy_page() and memcpy() rate of 4 KiB pages, the physical
limit of a migration that copies. Ratios: each movable_ops rate to the
anonymous-page rate of the same repetition, each batched rate to the
copy_page() rate. Exit 1, with every reason, if the guest did not power
off by itself, the kernel splatted, a repetition is missing, or any page
did not move or did not come back intact.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

import splats

KINDS = ('balloon', 'zsmalloc', 'anon')
COPIES = ('copy_page', 'memcpy')
PAGE = 4096
PREFIX = 'movops-bench: '
KERNEL_RE = re.compile(r'(b?rep) (\d+) (\w+) tries (\d+) moved (\d+) ebusy (\d+) '
                       r'errors (\d+) ns (\d+) bad (\d+)$')
BLOCK_RE = re.compile(r'(b?rep) (\d+) (\w+)_block calls (\d+) pages (\d+) moved (\d+) '
                      r'ebusy (\d+) errors (\d+) ns (\d+) bad (\d+)$')
COPY_RE = re.compile(r'(b?rep) (\d+) (copy_page|memcpy) pages (\d+) ns (\d+) best_ns_(\d+) (\d+)$')
PB_RE = re.compile(r'(b?rep) (\d+) pageblock_pages (\d+)$')
USER_RE = re.compile(r'rep (\d+) user anon pages (\d+) asked (\d+) moved (\d+) intact (\d+)$')
UBLOCK_RE = re.compile(r'brep (\d+) user anon_block pages (\d+) blocks (\d+) asked (\d+) '
                       r'moved (\d+) intact (\d+)$')


def parse(lines):
    """(config words, {rep: {kind: figures}}, error lines, done, {brep: {...}}).
    A repetition's rows name the single-PFN kinds ('balloon', ...), the
    batched ones ('balloon_block', ...), the copies and 'user' (anon-bench)."""
    config, reps, breps, errors, done = {}, {}, {}, [], False
    for raw in lines:
        i = raw.find(PREFIX)
        if i < 0:
            continue
        s = raw[i + len(PREFIX):].strip()
        m, b, c = KERNEL_RE.match(s), BLOCK_RE.match(s), COPY_RE.match(s)
        u, ub = USER_RE.match(s), UBLOCK_RE.match(s)
        if m or b or c:
            g = (m or b or c).groups()
            into = reps if g[0] == 'rep' else breps
            r, kind, nums = int(g[1]), g[2], list(map(int, g[3:]))
            if m:
                keys = ('tries', 'moved', 'ebusy', 'errors', 'ns', 'bad')
            elif b:
                kind += '_block'
                keys = ('calls', 'pages', 'moved', 'ebusy', 'errors', 'ns', 'bad')
            else:
                keys = ('pages', 'ns', 'best_pages', 'best_ns')
            into.setdefault(r, {})[kind] = dict(zip(keys, nums))
        elif u:
            keys = ('pages', 'asked', 'moved', 'intact')
            reps.setdefault(int(u[1]), {})['user'] = dict(zip(keys, map(int, u.groups()[1:])))
        elif ub:
            keys = ('pages', 'blocks', 'asked', 'moved', 'intact')
            breps.setdefault(int(ub[1]), {})['user'] = dict(zip(keys, map(int, ub.groups()[1:])))
        elif PB_RE.match(s):
            pass
        elif s.startswith('config ') or s.startswith('config_blocks '):
            w = s.split()
            config.update({(k if w[0] == 'config' else f'block_{k}'): v
                           for k, v in zip(w[1::2], w[2::2])})
        elif s == 'done':
            done = True
        else:
            errors.append(s)
    return config, reps, errors, done, breps


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


def check_blocks(config, breps):
    """Every reason the batched figures cannot be trusted (empty: they can)."""
    bad = []
    want = int(config.get('reps', 0))
    nbb = int(config.get('block_balloon', -1))
    for r in range(1, want + 1):
        rep = breps.get(r, {})
        for kind in tuple(k + '_block' for k in KINDS) + COPIES + ('user',):
            if kind not in rep:
                bad.append(f'brep {r}: no {kind} figures')
        for kind in KINDS:
            f = rep.get(kind + '_block')
            if not f:
                continue
            if not f['calls'] or f['ebusy'] or f['errors'] or not f['moved'] or f['ns'] <= 0:
                bad.append(f'brep {r} {kind}: {f["calls"]} pageblock calls moved {f["moved"]} '
                           f'pages (ebusy {f["ebusy"]}, errors {f["errors"]})')
            if f['pages'] < f['moved']:
                bad.append(f'brep {r} {kind}: the kernel counts {f["pages"]} pages migrated, '
                           f'fewer than the {f["moved"]} of ours that moved')
            if f['bad']:
                bad.append(f'brep {r} {kind}: {f["bad"]} pages stayed, or objects lost or corrupted')
        f = rep.get('balloon_block')
        if f and f['moved'] != nbb:
            bad.append(f'brep {r} balloon: {f["moved"]} of {nbb} pages moved')
        for kind in COPIES:
            f = rep.get(kind)
            if f and (f['pages'] <= 0 or f['ns'] <= 0 or f['best_ns'] <= 0):
                bad.append(f'brep {r} {kind}: {f["pages"]} pages in {f["ns"]} ns '
                           f'(best {f["best_pages"]} in {f["best_ns"]} ns)')
        u, k = rep.get('user'), rep.get('anon_block')
        if u and (not u['blocks'] or not u['asked'] or u['moved'] != u['asked']
                  or u['intact'] != u['pages']):
            bad.append(f'brep {r} anon: {u["blocks"]} pageblocks asked holding {u["asked"]} '
                       f'of {u["pages"]} pages; {u["moved"]} changed PFN, {u["intact"]} intact')
        if u and k and (k['calls'] != u['blocks'] or k['moved'] < u['moved']):
            bad.append(f'brep {r} anon: kernel made {k["calls"]} calls migrating {k["moved"]} '
                       f'pages; user space asked {u["blocks"]}, saw {u["moved"]} move')
    return bad


def spread(values):
    return {'min': min(values), 'median': statistics.median(values), 'max': max(values)}


def summarise_blocks(breps):
    """Batched rates (all pages the kernel migrated), MiB/s, ratios."""
    rates = {k: [] for k in KINDS + COPIES}
    to_anon = {k: [] for k in KINDS[:2]}
    to_copy = {k: [] for k in KINDS + ('memcpy',)}
    per_call = {k: [] for k in KINDS}
    for r in sorted(breps):
        rep = breps[r]
        rate = {k: rep[k + '_block']['pages'] / (rep[k + '_block']['ns'] / 1e9) for k in KINDS}
        # The copy limit: the fastest run of copies, the least disturbed by
        # the host (the mean over all copies varied twice as much).
        rate.update({k: rep[k]['best_pages'] / (rep[k]['best_ns'] / 1e9) for k in COPIES})
        for k in rates:
            rates[k].append(round(rate[k], 1))
        for k in to_anon:
            to_anon[k].append(round(rate[k] / rate['anon'], 3))
        for k in to_copy:
            to_copy[k].append(round(rate[k] / rate['copy_page'], 4))
        for k in per_call:
            f = rep[k + '_block']
            per_call[k].append(round(f['pages'] / f['calls'], 1))
    mib = {k: [round(v * PAGE / 2**20, 2) for v in vs] for k, vs in rates.items()}

    def table(d):
        return {k: dict(spread(v), per_rep=v) for k, v in d.items()}
    return {
        'method': 'alloc_contig_range() over a whole pageblock per call, timed in the kernel; '
                  'pages = pgmigrate_success during the calls; copy_page()/memcpy() of 4 KiB '
                  'pages in the same boot, the fastest run of 512 copies',
        'rates': table(rates),
        'mib_s': table(mib),
        'ratios_to_anon': table(to_anon),
        'ratios_to_copy': table(to_copy),
        'pages_per_call': table(per_call),
        'reps': {str(r): breps[r] for r in sorted(breps)},
    }


def summarise(config, reps, breps=None):
    rates = {k: [] for k in KINDS}
    ratios = {k: [] for k in KINDS[:2]}
    for r in sorted(reps):
        rate = {k: reps[r][k]['moved'] / (reps[r][k]['ns'] / 1e9) for k in KINDS}
        for k in KINDS:
            rates[k].append(round(rate[k], 1))
        for k in ratios:
            ratios[k].append(round(rate[k] / rate['anon'], 3))
    res = {
        'config': config,
        'unit': 'pages/s',
        'method': 'alloc_contig_range() over one PFN per page, timed in the kernel',
        'rates': {k: dict(spread(v), per_rep=v) for k, v in rates.items()},
        'ratios_to_anon': {k: dict(spread(v), per_rep=v) for k, v in ratios.items()},
        'reps': {str(r): {k: v for k, v in reps[r].items() if k in KINDS + ('user',)}
                 for r in sorted(reps)},
    }
    if breps:
        res['batched'] = summarise_blocks(breps)
    return res


def chart(res, png, title):
    """Median rate per row with min..max bars, log scale: the single-PFN
    rows, the batched rows and the copy limit; ratios in the labels."""
    gp = shutil.which('gnuplot')
    if not gp:
        return 'gnuplot not found (apt-get install gnuplot-nox)'
    rows = []
    for k in KINDS:
        s = res['rates'][k]
        label = f'{k}\\n1 PFN' + ('' if k == 'anon' else
                                   f'\\n{res["ratios_to_anon"][k]["median"]:.2f}x anon')
        rows.append((label, s))
    b = res.get('batched')
    for k in KINDS + COPIES if b else ():
        s = b['rates'][k]
        if k in KINDS:
            label = f'{k}\\npageblock\\n{b["ratios_to_copy"][k]["median"]:.3f}x copy'
        else:
            label = f'{k}\\n(limit)' if k == 'copy_page' else k
        rows.append((label, s))
    data = '\n'.join(f'{i} "{label}" {s["median"]} {s["min"]} {s["max"]}'
                     for i, (label, s) in enumerate(rows))
    script = f'''
set terminal pngcairo size 900,460 font ",9" noenhanced
set output "{png}"
set bmargin 5
set title "{title}"
set ylabel "pages/s, log scale (median, min..max)"
set logscale y
set style fill solid 0.6
set boxwidth 0.5
set xrange [-0.6:{len(rows) - 0.4}]
set grid ytics
unset key
$d << EOD
{data}
EOD
plot $d using 1:3:xtic(2) with boxes lc rgb "#4477aa", \\
     $d using 1:3:4:5 with yerrorbars lc rgb "black" pt 0
'''
    p = subprocess.run([gp], input=script, text=True, capture_output=True)
    return p.stderr.strip() if p.returncode else None


# The ratios the regression gate compares (medians over the repetitions):
# each movable_ops kind against anonymous pages on the batched path, and
# the anonymous-page rate against the guest's own copy_page() rate.
GATED = (('ratios_to_anon', 'balloon'), ('ratios_to_anon', 'zsmalloc'),
         ('ratios_to_copy', 'anon'))


def gated(res):
    b = res['batched']
    return {f'{k}/{"anon" if t == "ratios_to_anon" else "copy_page"}': b[t][k]['median']
            for t, k in GATED}


def gate(res, baseline, tolerance):
    """Every gated ratio that fell by more than @tolerance (a fraction)."""
    bad = []
    now = gated(res)
    for name, base in baseline['ratios'].items():
        cur = now.get(name)
        if cur is None:
            bad.append(f'{name}: not measured')
        elif cur < base * (1 - tolerance):
            bad.append(f'{name} fell from {base:.4f} to {cur:.4f} '
                       f'({(cur / base - 1) * 100:+.1f} %, tolerance -{tolerance * 100:.0f} %)')
    return bad


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--console', required=True)
    ap.add_argument('--vm-record', required=True)
    ap.add_argument('--out', required=True, help='directory for bench.json and bench.png')
    ap.add_argument('--kver', default='')
    ap.add_argument('--min-reps', type=int, default=3)
    ap.add_argument('--baseline', help='fail if a gated ratio fell below this baseline')
    ap.add_argument('--tolerance', type=float, default=0.50,
                    help='how far (a fraction) a ratio may fall below the baseline')
    ap.add_argument('--write-baseline', help='write the gated ratios to this file')
    return ap.parse_args()


def problems(a, lines, parsed):
    """What makes the run unusable: no poweroff, a splat, too few reps."""
    config, reps, errors, done, breps = parsed
    try:
        with open(a.vm_record) as f:
            ended = json.load(f).get('ended')
    except (OSError, ValueError):
        ended = None
    bad = []
    if ended != 'poweroff':
        bad.append(f'guest did not power off by itself: {ended}')
    bad += [f'kernel {kind} at console line {n}: {t}' for n, kind, t in splats.scan(lines)]
    bad += check(config, reps, errors, done, a.min_reps)
    bad += check_blocks(config, breps)
    return bad


def print_rates(a, res, config):
    print(f'movops bench {a.kver}: {config.get("reps")} repetitions, pages/s (min / median / max)')
    for k in KINDS:
        s = res['rates'][k]
        print(f'  {k + " 1 PFN":<18} {s["min"]:>10.1f} {s["median"]:>10.1f} {s["max"]:>10.1f}')
    b = res['batched']
    for k in KINDS + COPIES:
        s, m = b['rates'][k], b['mib_s'][k]['median']
        name = k + (' pageblock' if k in KINDS else '')
        print(f'  {name:<18} {s["min"]:>10.1f} {s["median"]:>10.1f} {s["max"]:>10.1f}'
              f'   median {m:.1f} MiB/s')
    for k, s in res['ratios_to_anon'].items():
        print(f'  {k}/anon, 1 PFN       {s["min"]:.3f} / {s["median"]:.3f} / {s["max"]:.3f}')
    for k, s in b['ratios_to_anon'].items():
        print(f'  {k}/anon, pageblock   {s["min"]:.3f} / {s["median"]:.3f} / {s["max"]:.3f}')
    for k, s in b['ratios_to_copy'].items():
        print(f'  {k}/copy_page         {s["min"]:.4f} / {s["median"]:.4f} / {s["max"]:.4f}')
    print(f'results: {os.path.join(a.out, "bench.json")}')


def judge_gate(a, res):
    """Print the gate's judgement against --baseline; True if it failed."""
    with open(a.baseline) as f:
        baseline = json.load(f)
    fell = gate(res, baseline, a.tolerance)
    print(f'movops bench gate ({a.baseline}, tolerance -{a.tolerance * 100:.0f} %): '
          + ('FAIL' if fell else 'PASS'))
    for name, cur in gated(res).items():
        base = baseline['ratios'].get(name)
        print(f'  {name:<16} baseline {base if base is None else f"{base:.4f}"}  now {cur:.4f}')
    for b in fell:
        print(f'  - {b}')
    return bool(fell)


def main():
    a = parse_args()
    with open(a.console, 'rb') as f:
        lines = f.read().decode('utf-8', errors='replace').splitlines()
    parsed = parse(lines)
    bad = problems(a, lines, parsed)
    if bad:
        print(f'movops bench {a.kver}: FAIL')
        for b in bad:
            print(f'  {b}')
        return 1
    config, reps, _, _, breps = parsed
    res = summarise(config, reps, breps)
    res['kver'] = a.kver
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'bench.json'), 'w') as f:
        json.dump(res, f, indent=1)
    png = os.path.join(a.out, 'bench.png')
    err = chart(res, png, f'movops {a.kver}: migration, one PFN and a pageblock per call, '
                f'{config.get("reps")} reps, {config.get("cpus")} vCPUs')
    print_rates(a, res, config)
    if a.write_baseline:
        with open(a.write_baseline, 'w') as f:
            json.dump({'kver': a.kver, 'ratios': gated(res),
                       'config': config}, f, indent=1)
        print(f'baseline: {a.write_baseline}')
    if a.baseline and judge_gate(a, res):
        return 1
    if err:
        print(f'movops bench: no chart: {err}')
        return 1
    print(f'chart: {png}')
    return 0

if __name__ == '__main__':
    sys.exit(main())
