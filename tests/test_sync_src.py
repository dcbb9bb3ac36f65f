"""scripts/host/sync-src.sh: the module sources' copy gets exactly the files
that changed, is missing or is gone (a fake repo here); an unchanged file
is not rewritten (its mtime: kbuild would rebuild it)."""
import os
import subprocess
import unittest

from fakes import TOP, FakeTree

SYNC = os.path.join(TOP, 'scripts', 'host', 'sync-src.sh')


class SyncSrc(FakeTree, unittest.TestCase):
    def setUp(self):
        super().setUp()
        self.write('top/module/main.h', '#define A 1\n')
        self.write('top/kunit/.kunitconfig', 'CONFIG_KUNIT=y\n')
        self.write('top/module/notes.txt', 'not a source\n')
        self.dest = os.path.join(self.d, 'src')

    def read(self, rel):
        with open(os.path.join(self.dest, rel)) as f:
            return f.read()

    def sync(self):
        r = subprocess.run(['sh', SYNC, self.dest], capture_output=True, text=True,
                           env=dict(os.environ, TOP=self.top))
        self.assertEqual(r.returncode, 0, r.stderr)

    def old(self, rel):
        """Back-date a copied file; returns its mtime."""
        p = os.path.join(self.dest, rel)
        os.utime(p, (1000000, 1000000))
        return os.stat(p).st_mtime

    def test_copies_changed_missing_and_removes_gone(self):
        self.sync()
        self.assertEqual(self.read('module/main.c'), 'int a;\n')
        self.assertEqual(self.read('kunit/.kunitconfig'), 'CONFIG_KUNIT=y\n')
        self.assertEqual(self.read('Kbuild'), 'obj-m += module/\n')
        self.assertFalse(os.path.exists(os.path.join(self.dest, 'module/notes.txt')))
        h, k = self.old('module/main.h'), self.old('Kbuild')
        self.old('module/main.c')
        self.write('top/module/main.c', 'int a; /* edited */\n')
        os.remove(os.path.join(self.dest, 'lib/features.mk'))
        self.write('src/module/movops.mod.c', 'generated\n')
        self.write('src/module/stale.c', 'gone from the repo\n')
        self.sync()
        self.assertEqual(self.read('module/main.c'), 'int a; /* edited */\n')
        self.assertEqual(self.read('lib/features.mk'), 'x := 1\n')
        self.assertFalse(os.path.exists(os.path.join(self.dest, 'module/stale.c')))
        self.assertEqual(self.read('module/movops.mod.c'), 'generated\n')
        # Unchanged files keep their mtime.
        self.assertEqual(os.stat(os.path.join(self.dest, 'module/main.h')).st_mtime, h)
        self.assertEqual(os.stat(os.path.join(self.dest, 'Kbuild')).st_mtime, k)

    def test_same_size_edit_is_copied(self):
        self.sync()
        self.old('module/main.c')
        self.write('top/module/main.c', 'int b;\n')
        self.sync()
        self.assertEqual(self.read('module/main.c'), 'int b;\n')


if __name__ == '__main__':
    unittest.main()
