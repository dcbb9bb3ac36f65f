"""scripts/host/modules-stamp.sh: against Debian's immutable headers, a
module build is left out only when the sources and the headers' real path
are those of the last successful build (a fake repo and headers here)."""
import os
import subprocess
import unittest

from fakes import TOP, FakeTree

STAMP = os.path.join(TOP, 'scripts', 'host', 'modules-stamp.sh')


class ModulesStamp(FakeTree, unittest.TestCase):
    def setUp(self):
        super().setUp()
        d = self.d
        for h in ('h1', 'h2'):
            os.makedirs(os.path.join(d, h))
        os.symlink(os.path.join(d, 'h1'), os.path.join(d, 'headers'))
        self.src = os.path.join(d, 'src')
        os.makedirs(os.path.join(self.src, 'module'))
        self.write('src/module/movops.ko', 'ko\n')

    def op(self, what):
        return subprocess.run(['sh', STAMP, what, self.src, os.path.join(self.d, 'headers')],
                              capture_output=True, text=True,
                              env=dict(os.environ, TOP=self.top)).returncode

    def test_fresh_only_for_the_same_sources_and_headers(self):
        self.assertNotEqual(self.op('fresh'), 0)          # never built
        self.assertEqual(self.op('write'), 0)
        self.assertEqual(self.op('fresh'), 0)
        self.write('top/module/main.c', 'int a; /* edited */\n')
        self.assertNotEqual(self.op('fresh'), 0)          # a source changed
        self.op('write')
        self.write('top/module/new.h', '#define X 1\n')
        self.assertNotEqual(self.op('fresh'), 0)          # a source added
        self.op('write')
        self.write('top/module/notes.txt', 'not a source\n')
        self.assertEqual(self.op('fresh'), 0)             # not an input
        os.remove(os.path.join(self.d, 'headers'))
        os.symlink(os.path.join(self.d, 'h2'), os.path.join(self.d, 'headers'))
        self.assertNotEqual(self.op('fresh'), 0)          # other headers
        self.op('write')
        os.remove(os.path.join(self.src, 'module', 'movops.ko'))
        self.assertNotEqual(self.op('fresh'), 0)          # no module
        self.write('src/module/movops.ko', 'ko\n')
        self.assertEqual(self.op('fresh'), 0)
        self.assertEqual(self.op('clear'), 0)
        self.assertNotEqual(self.op('fresh'), 0)          # a build started


if __name__ == '__main__':
    unittest.main()
