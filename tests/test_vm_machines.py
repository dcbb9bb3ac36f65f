"""vm.py's machines: where each architecture's ZONE_MOVABLE comes from
(docs/architectures.md)."""
import os
import re
import tempfile
import unittest

import expectations as ex
import ktap
import vm
from fakes import guest_sh

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def guest_skips(cmdline, name):
    """The guest's own mv_machine_skips (scripts/guest/movops-run.sh), run by
    the host's sh on CMDLINE as the guest's /proc/cmdline."""
    with tempfile.NamedTemporaryFile('w', suffix='.cmdline') as c:
        c.write(cmdline + '\n')
        c.flush()
        r = guest_sh('movops-run.sh', ['mv_machine_skips'], f'mv_machine_skips {name}',
                     {'MV_CMDLINE': c.name})
    return r.returncode == 0


def judge_race_skip(wording, facts):
    """The reasons the verdict gives against stress.sh's own skip of
    stress_offline_race whose reason starts with WORDING (a regex; $secs
    read as 0), judged with the repository's expected-skips.txt on FACTS."""
    with open(os.path.join(TOP, 'scripts', 'guest', 'stress.sh')) as f:
        why = re.search(rf'ktap_skip stress_offline_race "({wording}[^"]*)"', f.read()).group(1)
    rep = ktap.parse(['KTAP version 1', '1..1',
                      f'ok 1 stress_offline_race # SKIP {why.replace("$secs", "0")}'])
    case = [ex.Case(n, t.status, t.directive, t.log) for n, t in rep.flat()]
    return ex.judge(case, facts, [], ex.load(ex.SKIPS)).reasons


class MachineCmdline(unittest.TestCase):
    def test_x86_64_keeps_its_dimm(self):
        self.assertEqual(vm.machine_cmdline('x86_64', '512M', '1G'), vm.MACHINE_CMDLINE)

    def test_hotadd_above_the_boot_ram(self):
        # virt's RAM starts at 1 GiB, pseries' at 0: the kernel takes MEM,
        # init hot-adds the DIMM-sized rest right above it.
        arm = vm.machine_cmdline('arm64', '512M', '1G').split()
        self.assertIn('mem=1024M', arm)
        self.assertIn('movops.hotadd=0x80000000,512', arm)
        self.assertIn('memhp_default_state=online_movable', arm)
        self.assertNotIn('movablecore=512M', arm)
        ppc = vm.machine_cmdline('ppc64le', '512M', '1G').split()
        self.assertIn('movops.hotadd=0x40000000,512', ppc)
        self.assertIn('cmm.simulate=1', ppc)
        # One CPU: the SMP crash of docs/architectures.md; --cpus overrides.
        self.assertIn('nr_cpus=1', ppc)
        self.assertFalse([a for a in arm if a.startswith('nr_cpus=')])
        two = vm.machine_cmdline('ppc64le', '512M', '1G', cpus=2).split()
        self.assertIn('nr_cpus=2', two)
        self.assertNotIn('nr_cpus=1', two)
        self.assertFalse([a for a in vm.machine_cmdline('x86_64').split() if a.startswith('nr_cpus=')])

    def test_machine_skips_reach_the_guest(self):
        # The arch decision is the host's (MACHINES 'skip'); the guest reads
        # it from its command line: ppc64le skips the offline race, the
        # others run it (docs/architectures.md).
        ppc = vm.machine_cmdline('ppc64le', '512M', '1G')
        self.assertIn('movops.skip=offline_race', ppc.split())
        self.assertTrue(guest_skips(ppc, 'offline_race'))
        self.assertFalse(guest_skips(ppc, 'offline'))
        for arch in ('x86_64', 'arm64'):
            self.assertFalse(guest_skips(vm.machine_cmdline(arch, '512M', '1G'), 'offline_race'), arch)
        self.assertTrue(guest_skips('quiet movops.skip=a,offline_race,b x', 'offline_race'))
        self.assertFalse(guest_skips('movops.skip=offline_races', 'offline_race'))

    def test_machine_skip_is_expected_there_only(self):
        # The guest's skip, as stress.sh words it, judged with the
        # repository's expected-skips.txt: expected on ppc64le, a failure
        # on an arch whose machine does not ask for it.
        for arch, reasons in (('ppc64le', 0), ('x86_64', 1), ('arm64', 1)):
            got = judge_race_skip(r'movops\.skip=offline_race', ex.facts(None, '7.3.4', arch=arch))
            self.assertEqual(len(got), reasons, (arch, got))

    def test_offline_race_off_is_expected_only_when_recorded_off(self):
        # make check runs without the offline race (OFFLINE_RACE=0): the
        # guest records the setting and skips; the skip is expected only
        # where the run recorded 0.
        for secs, reasons in (('0', 0), ('10', 1)):
            f = ex.facts(None, '7.3.4', arch='x86_64', recorded={'stress_offline_race_seconds': secs})
            got = judge_race_skip(r'MOVOPS_STRESS_OFFLINE_RACE=\$secs', f)
            self.assertEqual(len(got), reasons, (secs, got))

    def test_kunit_boot_keeps_movablecore(self):
        # kunit.py runs the suite built in, before init could hot-add.
        for arch in ('arm64', 'ppc64le'):
            args = vm.machine_cmdline(arch, '512M', hotadd=False).split()
            self.assertIn('movablecore=512M', args)
            self.assertFalse([a for a in args if a.startswith(('mem=', 'movops.hotadd='))])


if __name__ == '__main__':
    unittest.main()
