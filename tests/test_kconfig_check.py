"""The config verifier names every required symbol a .config lacks."""
import io
import os
import tempfile
import unittest
from contextlib import redirect_stderr

import kconfig_check

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class KconfigCheck(unittest.TestCase):
    def run_check(self, dotconfig, fragment):
        with tempfile.TemporaryDirectory() as d:
            c, f = os.path.join(d, '.config'), os.path.join(d, 'frag')
            open(c, 'w').write(dotconfig)
            open(f, 'w').write(fragment)
            err = io.StringIO()
            with redirect_stderr(err):
                rc = kconfig_check.main(['kconfig_check.py', c, f])
            return rc, err.getvalue()

    def test_all_present(self):
        rc, err = self.run_check('CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\n',
                                 'CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\n')
        self.assertEqual((rc, err), (0, ''))

    def test_missing_symbol_is_named(self):
        rc, err = self.run_check('CONFIG_A=y\n# CONFIG_BALLOON_MIGRATION is not set\n',
                                 'CONFIG_A=y\nCONFIG_BALLOON_MIGRATION=y\nCONFIG_KPROBES=y\n')
        self.assertEqual(rc, 1)
        self.assertIn('missing kernel config: CONFIG_BALLOON_MIGRATION CONFIG_KPROBES', err)

    def test_wrong_value(self):
        rc, err = self.run_check('CONFIG_ZRAM=m\n', 'CONFIG_ZRAM=y\n')
        self.assertEqual(rc, 1)
        self.assertIn('CONFIG_ZRAM=y required, .config has CONFIG_ZRAM=m', err)

    def test_must_be_unset(self):
        rc, _ = self.run_check('CONFIG_X=y\n', '# CONFIG_X is not set\n')
        self.assertEqual(rc, 1)

    def test_repo_fragments_parse(self):
        """Every line of the shipped fragments is a setting or a comment."""
        kdir = os.path.join(TOP, 'scripts', 'kconfig')
        for name in os.listdir(kdir):
            lines = [l.strip() for l in open(os.path.join(kdir, name))]
            settings = kconfig_check.parse(lines)
            others = [l for l in lines if l and not l.startswith('#')
                      and not l.split('=')[0] in settings]
            self.assertEqual(others, [], name)
            self.assertTrue(settings, name)


if __name__ == '__main__':
    unittest.main()
