"""The isolate_twice checks' skips (scripts/guest/scenario.sh,
mv_isolate_twice_checks): each names its precondition, and the
repository's expected-skips.txt expects it only where that precondition
is the kernel's or the machine's (one CPU on ppc64le's guest, no
CONFIG_MEMORY_FAILURE, no balloon migration), never on the harness's own
x86_64 kernel."""
import os
import tempfile
import unittest

import expectations as ex
import ktap
from fakes import guest_sh

CHECKS = ('held', 'refused', 'soft_offline_busy', 'first_moved')
# The scenario's helpers, made up: the balloon migrates (BMIG), kprobes
# are in place (PROBES), and a run that gets past the skips fails at once.
PRELUDE = '''MV_NOBMIG="no CONFIG_BALLOON_MIGRATION"
mv_bmig() { [ "$BMIG" = 1 ]; }
mv_counter() { echo "$PROBES"; }
mv_write() { return 1; }
ktap_skip() { echo "SKIP $1 $2"; }
ktap_fail() { echo "FAIL $1 $2"; }
'''


class Skips(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        os.makedirs(os.path.join(d, 'proc'))
        os.makedirs(os.path.join(d, 'sys/devices/system/memory'))

    def tearDown(self):
        self.tmp.cleanup()

    def guest(self, cpus=2, soft_offline=True, bmig=True, probes=1):
        """The lines mv_isolate_twice_checks printed on a made-up machine."""
        d = self.tmp.name
        with open(os.path.join(d, 'proc', 'cpuinfo'), 'w') as f:
            f.write(''.join(f'processor\t: {i}\nmodel name\t: x\n\n' for i in range(cpus)))
        so = os.path.join(d, 'sys/devices/system/memory/soft_offline_page')
        if soft_offline:
            open(so, 'w').close()
        elif os.path.exists(so):
            os.remove(so)
        r = guest_sh('scenario.sh', ['mv_isolate_twice_checks'], 'mv_isolate_twice_checks',
                     {'MV_PROC': os.path.join(d, 'proc'), 'MV_SYS': os.path.join(d, 'sys'),
                      'BMIG': '1' if bmig else '0', 'PROBES': str(probes)}, prelude=PRELUDE)
        self.assertEqual(r.stderr, '')
        return r.stdout.splitlines()

    def judge(self, lines, arch='x86_64', config='', flavor='default'):
        """The verdict's reasons against the skips in LINES, on a kernel
        whose .config is CONFIG."""
        skips = [ln.split(' ', 2) for ln in lines if ln.startswith('SKIP ')]
        self.assertEqual([s[1] for s in skips], [f'isolate_twice_{c}' for c in CHECKS])
        rep = ktap.parse(['KTAP version 1', f'1..{len(skips)}'] +
                         [f'ok {i} {s[1]} # SKIP {s[2]}' for i, s in enumerate(skips, 1)])
        cases = [ex.Case(n, t.status, t.directive, t.log) for n, t in rep.flat()]
        with tempfile.NamedTemporaryFile('w', suffix='.config') as c:
            c.write('# Linux/x86 7.3.4 Kernel Configuration\n' + config)
            c.flush()
            facts = ex.facts(c.name, '7.3.4', flavor=flavor, arch=arch)
            return ex.judge(cases, facts, [], ex.load(ex.SKIPS)).reasons

    def test_runs_when_nothing_is_missing(self):
        self.assertEqual(self.guest(), ['FAIL isolate_twice_held migrate isolate_twice failed '
                                        '(no balloon page in a clean pageblock, or a probe refused: see dmesg)'])

    def test_one_cpu_expected_on_ppc64le_only(self):
        lines = self.guest(cpus=1)
        self.assertIn('needs two online CPUs', lines[0])
        self.assertEqual(self.judge(lines, arch='ppc64le', config='CONFIG_MEMORY_FAILURE=y\n'), [])
        self.assertEqual(len(self.judge(lines, config='CONFIG_MEMORY_FAILURE=y\n')), 4)

    def test_no_soft_offline_expected_without_memory_failure(self):
        lines = self.guest(soft_offline=False)
        self.assertIn('(CONFIG_MEMORY_FAILURE)', lines[0])
        self.assertEqual(self.judge(lines), [])
        self.assertEqual(len(self.judge(lines, config='CONFIG_MEMORY_FAILURE=y\n')), 4)

    def test_no_balloon_migration_expected_in_its_flavour(self):
        lines = self.guest(bmig=False)
        self.assertEqual(self.judge(lines, flavor='no-balloon-migration', config='CONFIG_MEMORY_FAILURE=y\n'), [])
        self.assertEqual(len(self.judge(lines, config='CONFIG_MEMORY_FAILURE=y\nCONFIG_BALLOON_MIGRATION=y\n')), 4)

    def test_no_kprobes_is_never_expected(self):
        lines = self.guest(probes=0)
        self.assertIn('no kprobes', lines[0])
        self.assertEqual(len(self.judge(lines, config='CONFIG_MEMORY_FAILURE=y\n')), 4)


if __name__ == '__main__':
    unittest.main()
