"""scripts/host/setup-host.sh: which packages it finds missing (a fake
dpkg-query; as a non-root user it names them and stops): the base list,
--also adding a target's packages to it in one query, or the arguments
alone; a package is installed only by its exact name."""
import os
import subprocess
import tempfile
import unittest

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETUP = os.path.join(TOP, 'scripts', 'host', 'setup-host.sh')
BASE = ('make gcc libc6-dev perl flex bison bc libelf-dev libssl-dev cpio xz-utils kmod '
        'python3 python3-jsonschema qemu-system-x86 busybox-static sparse gnuplot-nox lcov').split()


class SetupHost(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        b = self.bin = os.path.join(self.tmp.name, 'bin')
        os.makedirs(b)
        self.log = os.path.join(self.tmp.name, 'queries')
        self.script('dpkg-query', 'echo x >> "$LOG"; shift 2\n'
                    'for p in "$@"; do case " $INSTALLED " in *" $p "*) '
                    'echo "$p install ok installed" ;; esac; done')
        self.script('id', 'echo 1000')

    def tearDown(self):
        self.tmp.cleanup()

    def script(self, name, body):
        p = os.path.join(self.bin, name)
        with open(p, 'w') as f:
            f.write('#!/bin/sh\n' + body + '\n')
        os.chmod(p, 0o755)

    def missing(self, installed, *args):
        r = subprocess.run(['sh', SETUP, *args], capture_output=True, text=True,
                           env=dict(os.environ, PATH=self.bin + ':' + os.environ['PATH'],
                                    INSTALLED=' '.join(installed), LOG=self.log))
        if r.returncode == 0:
            return []
        line = [l for l in r.stderr.split('\n') if 'apt-get install -y' in l]
        self.assertEqual(len(line), 1, r.stderr)
        return line[0].split('install -y')[1].split()

    def test_base_list(self):
        self.assertEqual(self.missing(BASE), [])
        self.assertEqual(self.missing([p for p in BASE if p != 'python3']), ['python3'])

    def test_also_adds_to_the_base_list_in_one_query(self):
        self.assertEqual(self.missing(BASE, '--also', 'zstd', 'dwarves'), ['zstd', 'dwarves'])
        self.assertEqual(self.missing(BASE[1:] + ['zstd'], '--also', 'zstd'), ['make'])
        with open(self.log) as f:
            self.assertEqual(len(f.readlines()), 2)
        self.assertEqual(self.missing(BASE, '--also'), [])

    def test_arguments_alone(self):
        self.assertEqual(self.missing([], 'zstd'), ['zstd'])
        self.assertEqual(self.missing(['zstd'], 'zstd'), [])

    def test_exact_names(self):
        # python3-jsonschema installed says nothing of python3, nor lcov of cov.
        self.assertEqual(self.missing(['python3-jsonschema', 'lcov'], 'python3', 'cov', 'lcov'),
                         ['python3', 'cov'])


if __name__ == '__main__':
    unittest.main()
