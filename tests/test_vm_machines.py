"""vm.py's machines: where each architecture's ZONE_MOVABLE comes from
(docs/architectures.md)."""
import unittest

import vm


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

    def test_kunit_boot_keeps_movablecore(self):
        # kunit.py runs the suite built in, before init could hot-add.
        for arch in ('arm64', 'ppc64le'):
            args = vm.machine_cmdline(arch, '512M', hotadd=False).split()
            self.assertIn('movablecore=512M', args)
            self.assertFalse([a for a in args if a.startswith(('mem=', 'movops.hotadd='))])


if __name__ == '__main__':
    unittest.main()
