#!/usr/bin/env python3
"""median_baseline.py OUT BENCH_JSON...: the regression gate's baseline from
several runs of make bench (their bench.json files): each gated ratio is the
median of the runs' medians, so that one run far from the others (the host's
load moves them: docs/performance.md) does not become the yardstick. The
runs' own gated ratios are kept in the file ('runs'); make bench
BASELINE=OUT reads only 'ratios'."""
import json
import statistics
import sys

import bench_report


def main(argv):
    if len(argv) < 3:
        print('usage: median_baseline.py OUT BENCH_JSON...', file=sys.stderr)
        return 2
    out, files = argv[1], argv[2:]
    results = []
    for path in files:
        with open(path) as f:
            results.append(json.load(f))
    runs = [bench_report.gated(r) for r in results]
    kvers = {r.get('kver') for r in results}
    if len(kvers) != 1:
        print(f'median_baseline.py: runs of different versions {sorted(map(str, kvers))}',
              file=sys.stderr)
        return 1
    ratios = {k: round(statistics.median(run[k] for run in runs), 4) for k in runs[0]}
    with open(out, 'w') as f:
        json.dump({'kver': kvers.pop(), 'ratios': ratios, 'runs': runs,
                   'config': results[0].get('config')}, f, indent=1)
        f.write('\n')
    print(f'baseline: {out} (median of {len(runs)} runs): '
          + ', '.join(f'{k} {v}' for k, v in ratios.items()))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
