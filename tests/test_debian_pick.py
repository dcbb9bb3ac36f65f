"""debian_pick (scripts/host/versions.sh): the newest Debian image of the
series with its headers in the index, asked of apt-cache again only when
the index changed (a fake aptq and index here)."""
import os
import subprocess
import tempfile
import unittest

from fakes import calls

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FAKE_APTQ = r'''
aptq() {
	echo "$*" >> "$LOG"
	case "$1 $2" in
	"apt-cache search")
		for v in $IMAGES; do echo "linux-image-$v+deb12-amd64 - Linux $v"; done ;;
	"apt-cache show")
		case " $HEADERS " in *" ${3#linux-headers-} "*) echo "Package: $3"; return 0 ;; esac
		case $3 in linux-image-*) v=${3#linux-image-}; echo "Version: ${v%%+*}-1~bpo12+1"; return 0 ;; esac
		return 100 ;;
	esac
}
'''


class DebianPick(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.apt = os.path.join(self.tmp.name, 'apt')
        os.makedirs(os.path.join(self.apt, 'lists'))
        self.lists('Packages of day 1\n')
        self.log = os.path.join(self.tmp.name, 'aptq.log')

    def tearDown(self):
        self.tmp.cleanup()

    def lists(self, text, mtime=1000000):
        p = os.path.join(self.apt, 'lists', 'mirror_dists_bookworm-backports_main_binary-amd64_Packages')
        with open(p, 'w') as f:
            f.write(text)
        os.utime(p, (mtime, mtime))

    def pick(self, images, headers):
        script = ('. scripts/host/common.sh && . scripts/host/versions.sh && ' + FAKE_APTQ +
                  'debian_kernel && debian_pick && echo "$IMG $REL $VERSION"')
        r = subprocess.run(['sh', '-c', script], cwd=TOP, capture_output=True, text=True,
                           env=dict(os.environ, TOP=TOP, APT=self.apt, LOG=self.log,
                                    DEBIAN='debian', KVER='6.12',
                                    IMAGES=images, HEADERS=headers))
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def asked(self):
        return calls(self.log)

    def test_newest_with_headers_then_kept_until_the_index_changes(self):
        want = ('linux-image-6.12.10+deb12-amd64 6.12.10+deb12-amd64 6.12.10-1~bpo12+1')
        # 6.12.11 has no headers in the index: the newest with them wins.
        self.assertEqual(self.pick('6.12.9 6.12.10 6.12.11', '6.12.9+deb12-amd64 6.12.10+deb12-amd64'), want)
        self.assertGreater(self.asked(), 0)
        # The same index: the same answer, apt-cache not asked.
        self.assertEqual(self.pick('6.12.9 6.12.10 6.12.11', '6.12.9+deb12-amd64 6.12.10+deb12-amd64'), want)
        self.assertEqual(self.asked(), 0)
        # A new index (apt_update fetched another list): asked again.
        self.lists('Packages of day 2\n', mtime=2000000)
        self.assertEqual(self.pick('6.12.9 6.12.10 6.12.11', '6.12.11+deb12-amd64'),
                         'linux-image-6.12.11+deb12-amd64 6.12.11+deb12-amd64 6.12.11-1~bpo12+1')
        self.assertGreater(self.asked(), 0)

    def test_nothing_found_is_not_kept(self):
        self.assertEqual(self.pick('6.12.9', ''), '')
        self.assertGreater(self.asked(), 0)
        self.assertEqual(self.pick('6.12.9', '6.12.9+deb12-amd64'),
                         'linux-image-6.12.9+deb12-amd64 6.12.9+deb12-amd64 6.12.9-1~bpo12+1')


if __name__ == '__main__':
    unittest.main()
