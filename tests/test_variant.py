"""Kernel variants (scripts/host/variant.sh) on a toy tree: the tag follows the
patches' contents, applying a set undoes the last one, the pristine tree is
never written, and the namespace shows the copy at the pristine paths.
Also the mutant catalogue: each patch names the file it mutates."""
import os
import shutil
import subprocess
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VARIANT = os.path.join(TOP, 'scripts', 'host', 'variant.sh')

ONE = """Mutant: one
---
--- a/mm/x.c
+++ b/mm/x.c
@@ -1,2 +1,2 @@
 int a;
-int b;
+int c;
"""
TWO = """--- a/mm/h.h
+++ b/mm/h.h
@@ -1 +1 @@
-#define H 1
+#define H 2
"""


class Variant(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        t = self.tmp
        os.makedirs(f'{t}/src/mm')
        os.makedirs(f'{t}/obj')
        os.makedirs(f'{t}/p')
        self.write('src/mm/x.c', 'int a;\nint b;\n')
        self.write('src/mm/h.h', '#define H 1\n')
        self.write('obj/.movops-built', 'stamp\n')
        self.write('obj/x.o', 'object\n')
        self.write('p/one.patch', ONE)
        self.write('p/two.patch', TWO)
        self.vdir = f'{t}/var'

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, rel, text):
        with open(os.path.join(self.tmp, rel), 'w') as f:
            f.write(text)

    def read(self, rel):
        with open(os.path.join(self.tmp, rel)) as f:
            return f.read()

    def v(self, *args, check=True):
        return subprocess.run([VARIANT, *args], capture_output=True, text=True,
                              check=check, cwd=self.tmp)

    def seed(self):
        self.v('seed', self.vdir, f'{self.tmp}/src', f'{self.tmp}/obj')

    def test_tag_follows_contents(self):
        one = self.v('tag', 'p/one.patch').stdout.strip()
        both = self.v('tag', 'p').stdout.strip()
        self.assertRegex(one, r'^p[0-9a-f]{10}$')
        self.assertNotEqual(one, both)
        self.assertEqual(one, self.v('tag', f'{self.tmp}/p/one.patch').stdout.strip())
        self.write('p/one.patch', ONE.replace('int c', 'int d'))
        self.assertNotEqual(one, self.v('tag', 'p/one.patch').stdout.strip())

    def test_no_patch_is_an_error(self):
        os.makedirs(f'{self.tmp}/empty')
        r = self.v('tag', 'empty', check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('no *.patch', r.stderr)
        r = self.v('tag', 'missing.patch', check=False)
        self.assertIn('no file or directory', r.stderr)

    def test_apply_undo_and_pristine_untouched(self):
        self.seed()
        self.v('apply', self.vdir, 'p/one.patch')
        self.assertEqual(self.read('var/src/mm/x.c'), 'int a;\nint c;\n')
        self.v('apply', self.vdir, 'p/two.patch')
        self.assertEqual(self.read('var/src/mm/x.c'), 'int a;\nint b;\n')
        self.assertEqual(self.read('var/src/mm/h.h'), '#define H 2\n')
        self.v('apply', self.vdir)
        self.assertEqual(self.read('var/src/mm/h.h'), '#define H 1\n')
        self.assertEqual(self.read('src/mm/x.c'), 'int a;\nint b;\n')
        self.assertEqual(self.read('src/mm/h.h'), '#define H 1\n')
        self.assertEqual(self.read('var/applied'), '')

    def test_rebuild_line_recompiles_only_the_named_users(self):
        """A header patch with 'Rebuild: mm/x.c': the header keeps its
        pristine time, x.c gets a new one (make recompiles it alone), and
        the undo copies no build directory: the header comes back with its
        pristine time, x.c again with a new one."""
        self.write('src/mm/y.c', 'int y;\n')
        self.write('p/hdr.patch', 'Mutant: hdr\nRebuild: mm/x.c\n' + TWO)
        old = 1_000_000_000
        for f in ('src/mm/x.c', 'src/mm/h.h', 'src/mm/y.c'):
            os.utime(f'{self.tmp}/{f}', (old, old))
        self.seed()
        self.write('obj/x.o', 'pristine object\n')   # the pristine build changed
        r = self.v('apply', self.vdir, 'p/hdr.patch')
        self.assertIn('recompiling mm/x.c', r.stderr)
        mt = lambda f: os.stat(f'{self.tmp}/{f}').st_mtime  # noqa: E731
        self.assertEqual(self.read('var/src/mm/h.h'), '#define H 2\n')
        self.assertEqual(mt('var/src/mm/h.h'), old)
        self.assertGreater(mt('var/src/mm/x.c'), old)
        self.assertEqual(mt('var/src/mm/y.c'), old)
        # The pristine tree is untouched (x.c was unlinked before the touch).
        self.assertEqual(mt('src/mm/x.c'), old)
        self.assertEqual(self.read('src/mm/h.h'), '#define H 1\n')
        r = self.v('apply', self.vdir, 'p/one.patch')
        self.assertNotIn('copying the pristine build', r.stderr)
        self.assertEqual(self.read('var/obj/x.o'), 'object\n')
        self.assertEqual(self.read('var/src/mm/h.h'), '#define H 1\n')
        self.assertEqual(mt('var/src/mm/h.h'), old)
        self.assertEqual(self.read('var/src/mm/x.c'), 'int a;\nint c;\n')
        # Without a Rebuild: line a header's undo copies the build again.
        self.v('apply', self.vdir, 'p/two.patch')
        r = self.v('apply', self.vdir)
        self.assertIn('copying the pristine build', r.stderr)
        self.assertEqual(self.read('var/obj/x.o'), 'pristine object\n')

    def test_rebuild_of_a_missing_file_fails(self):
        self.seed()
        self.write('p/hdr.patch', 'Rebuild: mm/nope.c\n' + TWO)
        r = self.v('apply', self.vdir, 'p/hdr.patch', check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('Rebuild: mm/nope.c is not in', r.stderr)

    def test_seeded_again_when_the_pristine_configuration_changes(self):
        self.write('obj/.movops-fragments', 'CONFIG_A=y\n')
        self.seed()
        self.v('apply', self.vdir, 'p/one.patch')
        self.seed()
        self.assertEqual(self.read('var/src/mm/x.c'), 'int a;\nint c;\n')
        self.write('obj/.movops-fragments', 'CONFIG_B=y\n')
        self.seed()
        self.assertEqual(self.read('var/src/mm/x.c'), 'int a;\nint b;\n')
        self.assertEqual(self.read('var/obj/.movops-fragments'), 'CONFIG_B=y\n')

    def test_a_patch_that_does_not_apply_fails(self):
        self.seed()
        self.write('p/bad.patch', ONE.replace('-int b;', '-int zz;'))
        r = self.v('apply', self.vdir, 'p/bad.patch', check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('does not apply', r.stderr)
        self.assertEqual(self.read('src/mm/x.c'), 'int a;\nint b;\n')

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which('unshare'), 'needs root and unshare')
    def test_exec_shows_the_copy_at_the_pristine_paths(self):
        self.seed()
        self.v('apply', self.vdir, 'p/one.patch')
        out = self.v('exec', self.vdir, 'sh', '-c',
                     f'cat {self.tmp}/src/mm/x.c; touch {self.tmp}/obj/new.o').stdout
        self.assertEqual(out, 'int a;\nint c;\n')
        self.assertTrue(os.path.exists(f'{self.vdir}/obj/new.o'))
        self.assertFalse(os.path.exists(f'{self.tmp}/obj/new.o'))


class Catalogue(unittest.TestCase):
    def test_each_mutant_names_its_file_and_purpose(self):
        d = os.path.join(TOP, 'scripts', 'mutants')
        names = [f for f in os.listdir(d) if f.endswith('.patch')]
        self.assertGreaterEqual(len(names), 25)
        for f in names:
            with open(os.path.join(d, f)) as p:
                text = p.read()
            self.assertIn(f'Mutant: {f[:-6]}\n', text, f)
            self.assertRegex(text, r'\nWhat: \S', f)
            self.assertRegex(text, r'\n\+\+\+ b/(mm|include)/', f)


class FirstFailure(unittest.TestCase):
    def ff(self, text, known=()):
        import mutants
        return mutants.first_failure(text.splitlines(), set(known))

    def test_runner_and_kunit_lines(self):
        ktap = ('KTAP version 1\nok 1 movops_load\n'
                '    KTAP version 1\n    # Subtest: movops_balloon\n    1..2\n'
                '    ok 1 balloon_a\n    not ok 2 balloon_enoent_balloon_pages_stat\n'
                'not ok 2 movops_balloon\n'
                '    # Subtest: movops_zsmalloc\n    not ok 1 zs_b\nnot ok 3 movops_zsmalloc\n'
                'not ok 4 zs_verify_intact\n')
        known = {'movops_balloon.balloon_enoent_balloon_pages_stat'}
        self.assertEqual(self.ff(ktap, known), 'movops_zsmalloc.zs_b')
        self.assertEqual(self.ff(ktap), 'movops_balloon.balloon_enoent_balloon_pages_stat')
        self.assertEqual(self.ff('ok 1 a\nnot ok 2 b_failed\n'), 'b_failed')
        self.assertIsNone(self.ff('ok 1 a\nok 2 b\n'))


if __name__ == '__main__':
    unittest.main()
