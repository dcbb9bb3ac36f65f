"""scripts/host/kmods-stage.sh: a kernel's own modules for the guest, their
dependencies first, decompressed; for Debian's kernels (whose unpacked
modules never change) kept in the cache and copied from there, staged anew
for another list or another directory (a fake modules tree and modinfo)."""
import lzma
import os
import shutil
import subprocess
import tempfile
import unittest

from fakes import calls

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGE = os.path.join(TOP, 'scripts', 'host', 'kmods-stage.sh')
# name -> (path in modules.order, depends)
MODS = {'zram': ('kernel/drivers/block/zram/zram.ko', 'lz4hc_compress,lz4_compress'),
        'lz4hc_compress': ('kernel/lib/lz4/lz4hc_compress.ko', ''),
        'lz4_compress': ('kernel/lib/lz4/lz4_compress.ko', ''),
        'virtio_balloon': ('kernel/drivers/virtio/virtio_balloon.ko', '')}


class KmodsStage(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.d = self.tmp.name
        self.mods = os.path.join(d, 'lib', 'modules', '6.12.0-amd64')
        for name, (path, _) in MODS.items():
            os.makedirs(os.path.dirname(os.path.join(self.mods, path)), exist_ok=True)
            with open(os.path.join(self.mods, path + '.xz'), 'wb') as f:
                f.write(lzma.compress(f'module {name}\n'.encode(), format=lzma.FORMAT_XZ))
        with open(os.path.join(self.mods, 'modules.order'), 'w') as f:
            f.write(''.join(p + '\n' for p, _ in MODS.values()))
        with open(os.path.join(self.mods, 'modules.builtin'), 'w') as f:
            f.write('kernel/drivers/virtio/virtio_pci.ko\n')
        self.bin = os.path.join(d, 'bin')
        os.makedirs(self.bin)
        self.log = os.path.join(d, 'modinfo.log')
        deps = ' '.join(f'{n}={dep}' for n, (_, dep) in MODS.items())
        with open(os.path.join(self.bin, 'modinfo'), 'w') as f:
            f.write('#!/bin/sh\necho "$3" >> "$LOG"\nn=${3##*/}; n=${n%%.ko*}\n'
                    f'for w in {deps}; do [ "${{w%%=*}}" = "$n" ] && echo "${{w#*=}}"; done\nexit 0\n')
        os.chmod(os.path.join(self.bin, 'modinfo'), 0o755)
        self.cache = os.path.join(d, 'cache')

    def tearDown(self):
        self.tmp.cleanup()

    def stage(self, debian=True, kmods='virtio_pci virtio_balloon zram', mods=None):
        out = tempfile.mkdtemp(dir=self.d)
        env = dict(os.environ, PATH=self.bin + ':' + os.environ['PATH'], LOG=self.log,
                   KMODS_DIR=mods or self.mods, KMODS=kmods, MOVOPS_CACHE=self.cache,
                   DEBIAN='debian' if debian else '', TOP=TOP)
        r = subprocess.run(['sh', STAGE, out], capture_output=True, text=True, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(out, 'kmods.order')) as f:
            order = f.read().split()
        contents = {}
        for n in order:
            with open(os.path.join(out, 'kmods', n + '.ko')) as f:
                contents[n] = f.read()
        return order, contents

    def modinfo_calls(self):
        return calls(self.log)

    def test_dependencies_first_decompressed(self):
        order, contents = self.stage(debian=False)
        self.assertEqual(order, ['virtio_balloon', 'lz4hc_compress', 'lz4_compress', 'zram'])
        self.assertEqual(contents['zram'], 'module zram\n')

    def test_debian_kept_and_copied(self):
        first = self.stage()
        self.assertGreater(self.modinfo_calls(), 0)
        self.assertEqual(self.stage(), first)
        self.assertEqual(self.modinfo_calls(), 0)
        # Another list: staged anew.
        self.assertEqual(self.stage(kmods='zram')[0], ['lz4hc_compress', 'lz4_compress', 'zram'])
        self.assertGreater(self.modinfo_calls(), 0)
        # The same directory through a link: copied; another one: staged anew.
        link = os.path.join(self.d, 'link')
        os.symlink(self.mods, link)
        self.assertEqual(self.stage(mods=link), first)
        self.assertEqual(self.modinfo_calls(), 0)
        other = os.path.join(self.d, 'other')
        shutil.copytree(self.mods, other)
        self.assertEqual(self.stage(mods=other), first)
        self.assertGreater(self.modinfo_calls(), 0)

    def test_not_debian_never_cached(self):
        self.stage(debian=False)
        self.modinfo_calls()
        self.stage(debian=False)
        self.assertGreater(self.modinfo_calls(), 0)
        self.assertFalse(os.path.exists(self.cache))


if __name__ == '__main__':
    unittest.main()
