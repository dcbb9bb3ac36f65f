"""bench_report.py on a made-up console log shaped like scripts/guest/bench.sh's
output: the batched rows are judged and summarised, and the regression gate
fails when a ratio falls below the baseline by more than the tolerance."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(os.path.dirname(HERE), 'scripts', 'report', 'bench_report.py')


def console(reps=3, balloon_ns=100_000_000, anon_moved=None, zs_bad=0):
    out = ['[    1.0] boot', 'movops-bench: config reps %d balloon 32 zsmalloc_objects 64 '
           'anon 32 chunk 16 kernel 7.3.4 cpus 2' % reps]
    for r in range(1, reps + 1):
        out += [f'movops-bench: rep {r} balloon tries 32 moved 32 ebusy 0 errors 0 ns 10000000 bad 0',
                f'movops-bench: rep {r} zsmalloc tries 32 moved 32 ebusy 0 errors 0 ns 10000000 bad 0',
                f'movops-bench: rep {r} anon tries 32 moved 32 ebusy 0 errors 0 ns 10000000 bad 0',
                f'movops-bench: rep {r} balloon_block calls 0 pages 0 moved 0 ebusy 0 errors 0 ns 0 bad 0',
                f'movops-bench: rep {r} copy_page pages 0 ns 0 best_ns_512 0',
                f'movops-bench: rep {r} pageblock_pages 512',
                f'movops-bench: rep {r} user anon pages 32 asked 32 moved 32 intact 32']
    out.append('movops-bench: config_blocks balloon 1024 zsmalloc_objects 2048 anon 1024 '
               'copy 4096 pageblock 512')
    for r in range(1, reps + 1):
        am = 1024 if anon_moved is None else anon_moved
        out += [f'movops-bench: brep {r} balloon_block calls 2 pages 1024 moved 1024 ebusy 0 '
                f'errors 0 ns {balloon_ns} bad 0',
                f'movops-bench: brep {r} zsmalloc_block calls 2 pages 1000 moved 1000 ebusy 0 '
                f'errors 0 ns 100000000 bad {zs_bad}',
                f'movops-bench: brep {r} anon_block calls 2 pages 1024 moved 1024 ebusy 0 '
                f'errors 0 ns 100000000 bad 0',
                f'movops-bench: brep {r} copy_page pages 4096 ns 20000000 best_ns_512 1250000',
                f'movops-bench: brep {r} memcpy pages 4096 ns 20000000 best_ns_512 2500000',
                f'movops-bench: brep {r} pageblock_pages 512',
                f'movops-bench: brep {r} user anon_block pages 1024 blocks 2 asked 1024 '
                f'moved {am} intact 1024']
    out.append('movops-bench: done')
    return '\n'.join(out) + '\n'


class BenchReport(unittest.TestCase):
    def report(self, text, *extra):
        d = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(['rm', '-rf', d]))
        with open(os.path.join(d, 'console.log'), 'w') as f:
            f.write(text)
        with open(os.path.join(d, 'vm.json'), 'w') as f:
            json.dump({'ended': 'poweroff'}, f)
        argv = [sys.executable, REPORT, '--console', f'{d}/console.log',
                '--vm-record', f'{d}/vm.json', '--out', d, '--kver', 'test']
        p = subprocess.run(argv + [a.replace('DIR', d) for a in extra],
                           capture_output=True, text=True)
        res = None
        if os.path.exists(f'{d}/bench.json'):
            with open(f'{d}/bench.json') as f:
                res = json.load(f)
        return p, res, d

    def test_batched_rows_summarised(self):
        p, res, _ = self.report(console())
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        b = res['batched']
        self.assertEqual(b['rates']['balloon']['median'], 10240.0)
        self.assertEqual(b['rates']['copy_page']['median'], 409600.0)
        self.assertEqual(b['mib_s']['balloon']['median'], 40.0)
        self.assertEqual(b['ratios_to_anon']['balloon']['median'], 1.0)
        self.assertEqual(b['ratios_to_copy']['anon']['median'], 0.025)
        self.assertEqual(b['pages_per_call']['balloon']['median'], 512.0)
        self.assertIn('balloon pageblock', p.stdout)

    def test_batched_failures_named(self):
        p, res, _ = self.report(console(anon_moved=1000, zs_bad=3))
        self.assertEqual(p.returncode, 1)
        self.assertIn('brep 1 anon: 2 pageblocks asked holding 1024 of 1024 pages; 1000 changed PFN',
                      p.stdout)
        self.assertIn('brep 2 zsmalloc: 3 pages stayed, or objects lost or corrupted', p.stdout)

    def test_gate(self):
        p, _, d = self.report(console(), '--write-baseline', 'DIR/base.json')
        with open(f'{d}/base.json') as f:
            base = json.load(f)
        self.assertEqual(base['ratios']['balloon/anon'], 1.0)
        base_file = os.path.join(d, 'base.json')
        # Unchanged: passes. Balloon 1.25x slower (ratio 0.8): within 25 %.
        p, _, _ = self.report(console(), '--baseline', base_file, '--tolerance', '0.25')
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn('gate', p.stdout)
        self.assertNotIn('fell', p.stdout)
        p, _, _ = self.report(console(balloon_ns=125_000_000), '--baseline', base_file,
                              '--tolerance', '0.25')
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertNotIn('fell', p.stdout)
        # Balloon twice as slow: the gate fails and names the ratio.
        p, _, _ = self.report(console(balloon_ns=200_000_000), '--baseline', base_file,
                              '--tolerance', '0.25')
        self.assertEqual(p.returncode, 1)
        self.assertIn('balloon/anon fell from 1.0000 to 0.5000 (-50.0 %, tolerance -25 %)',
                      p.stdout)

    def test_median_baseline(self):
        """The baseline of several runs is each ratio's median over them: one
        run far out (balloon 4x slower here) does not move it."""
        files = []
        for ns in (100_000_000, 50_000_000, 400_000_000):
            p, _, d = self.report(console(balloon_ns=ns))
            self.assertEqual(p.returncode, 0, p.stdout)
            files.append(os.path.join(d, 'bench.json'))
        out = os.path.join(os.path.dirname(files[0]), 'base.json')
        tool = os.path.join(os.path.dirname(REPORT), 'median_baseline.py')
        p = subprocess.run([sys.executable, tool, out] + files, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            base = json.load(f)
        self.assertEqual(base['ratios']['balloon/anon'], 1.0)
        self.assertEqual([r['balloon/anon'] for r in base['runs']], [1.0, 2.0, 0.25])
        # The gate reads it as any baseline: balloon 4x slower fails at 50 %.
        p, _, _ = self.report(console(balloon_ns=400_000_000), '--baseline', out)
        self.assertEqual(p.returncode, 1)
        self.assertIn('balloon/anon fell from 1.0000 to 0.2500 (-75.0 %, tolerance -50 %)',
                      p.stdout)


if __name__ == '__main__':
    unittest.main()
