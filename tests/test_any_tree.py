"""KSRC= trees and Debian kernel targets, on fake trees (no download, no VM):
a tree's version and config fragment come from the tree itself, and a
matrix target that names nothing known fails by name."""
import os
import subprocess
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(script, env=None):
    e = dict(os.environ, TOP=TOP, **(env or {}))
    return subprocess.run(['sh', '-c', script], capture_output=True, text=True,
                          env=e, cwd=TOP)


def fake_tree(d, version, patchlevel, mm_kconfig, zram_kconfig=None):
    os.makedirs(os.path.join(d, 'mm'))
    os.makedirs(os.path.join(d, 'drivers', 'virtio'))
    if zram_kconfig is not None:
        os.makedirs(os.path.join(d, 'drivers', 'block', 'zram'))
        with open(os.path.join(d, 'drivers', 'block', 'zram', 'Kconfig'), 'w') as f:
            f.write(zram_kconfig)
    with open(os.path.join(d, 'Makefile'), 'w') as f:
        f.write(f'# SPDX\nVERSION = {version}\nPATCHLEVEL = {patchlevel}\nSUBLEVEL = 1\n')
    with open(os.path.join(d, 'mm', 'Kconfig'), 'w') as f:
        f.write(mm_kconfig)
    with open(os.path.join(d, 'drivers', 'virtio', 'Kconfig'), 'w') as f:
        f.write('config VIRTIO_BALLOON\n\ttristate "x"\n')


class AnyTree(unittest.TestCase):
    def test_version_from_the_trees_makefile(self):
        with tempfile.TemporaryDirectory() as d:
            fake_tree(d, 7, 2, '')
            r = sh('scripts/host/tree-version.sh "$T"', {'T': d})
            self.assertEqual(r.stdout.strip(), '7.2')
            r = sh('scripts/host/tree-version.sh "$T/none"', {'T': d})
            self.assertEqual(r.stdout.strip(), '')

    def fragment(self, kconfig, zram=None, ksrc=True):
        with tempfile.TemporaryDirectory() as d:
            fake_tree(d, 9, 9, kconfig, zram)
            return sh('. scripts/host/versions.sh && kconfig_fragment "$T"',
                      {'T': d, 'KSRC': d if ksrc else '', 'KVER': '9.9' if ksrc else '7.3'})

    def names(self, r):
        return [os.path.basename(p) for p in r.stdout.split()]

    def test_fragment_by_the_symbols_the_tree_defines(self):
        old = 'config MEMORY_BALLOON\n\tbool\nconfig BALLOON_COMPACTION\n\tbool "x"\n'
        new = 'config BALLOON\n\tbool\nmenuconfig BALLOON_MIGRATION\n\tbool "x"\n'
        r = self.fragment(old)
        self.assertEqual(self.names(r)[0], '6.12.config', r.stderr)
        r = self.fragment(new)
        self.assertEqual(self.names(r)[0], '7.3.config', r.stderr)

    def test_zram_fragment_by_the_symbols_the_tree_defines(self):
        """zram's own backends (6.12 and later) or the crypto API (6.1):
        the refusal of a tree then names what it lacks, not a symbol it
        never had."""
        new = 'config BALLOON\n\tbool\nmenuconfig BALLOON_MIGRATION\n\tbool "x"\n'
        backends = 'config ZRAM\n\ttristate "x"\nconfig ZRAM_BACKEND_LZO\n\tbool "lzo"\n'
        crypto = 'config ZRAM\n\ttristate "x"\n\tdepends on CRYPTO_LZO || CRYPTO_ZSTD\n'
        for ksrc in (True, False):
            r = self.fragment(new, backends, ksrc)
            self.assertEqual(self.names(r)[1:], ['zram-backend.config'], r.stderr)
            r = self.fragment(new, crypto, ksrc)
            self.assertEqual(self.names(r)[1:], ['zram-crypto.config'], r.stderr)
        for f in ('zram-backend.config', 'zram-crypto.config'):
            with open(os.path.join(TOP, 'scripts', 'kconfig', f)) as fh:
                self.assertIn('CONFIG_', fh.read())

    def test_tree_without_balloon_migration_is_named(self):
        r = self.fragment('config MIGRATION\n\tbool\n')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('CONFIG_BALLOON_MIGRATION', r.stderr)
        self.assertEqual(r.stdout.strip(), '')

    def test_unknown_version_without_ksrc_is_refused(self):
        r = sh('. scripts/host/versions.sh', {'KVER': '9.9', 'KSRC': ''})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("unsupported KVER='9.9'", r.stderr)

    def test_debian_kernels_known(self):
        r = sh('. scripts/host/versions.sh && debian_kernel && echo "$DEB_IMG_SUITE $DEB_IMG_RE"',
               {'DEBIAN': 'debian-rt', 'KVER': '7.3'})
        self.assertEqual(r.stdout.split()[0], 'trixie-backports', r.stderr)
        self.assertIn(r'-rt-amd64$', r.stdout)
        r = sh('. scripts/host/versions.sh && debian_kernel && echo "$DEB_IMG_SUITE"',
               {'DEBIAN': 'debian', 'KVER': '6.12'})
        self.assertEqual(r.stdout.strip(), 'bookworm-backports', r.stderr)
        r = sh('. scripts/host/versions.sh && debian_kernel', {'DEBIAN': 'debian-cloud', 'KVER': '7.3'})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no Debian prebuilt kernel kind 'debian-cloud'", r.stderr)

    def test_matrix_target_naming_nothing_fails_by_name(self):
        with tempfile.TemporaryDirectory() as b:
            r = subprocess.run(['make', '-s', '-f', 'scripts/host/matrix.mk', 'TARGETS=7.3-nonesuch',
                                f'TOP={TOP}', f'BUILD={b}'], capture_output=True, text=True, cwd=TOP)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("matrix target 7.3-nonesuch: no kernel kind or flavour 'nonesuch'", r.stderr)


if __name__ == '__main__':
    unittest.main()
