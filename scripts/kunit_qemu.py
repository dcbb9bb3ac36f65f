# kunit.py --qemu_config for movops: x86_64 on the same machine layout as the
# VM runs (scripts/vm.py), so the suite sees the same ZONE_MOVABLE DIMM.
# kunit.py loads this file by path; QEMU_MEM and DIMM_MEM come from the
# environment that scripts/kunit-run.sh sets.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_config import QemuArchParams  # noqa: E402  (kunit.py's own)
import vm  # noqa: E402

QEMU_ARCH = QemuArchParams(
    linux_arch='x86_64',
    kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
    qemu_arch='x86_64',
    kernel_path='arch/x86/boot/bzImage',
    kernel_command_line='console=ttyS0 ' + vm.MACHINE_CMDLINE,
    extra_qemu_params=['-cpu', 'max'] + vm.machine_args(
        os.environ.get('QEMU_MEM', '1G'), os.environ.get('DIMM_MEM', vm.DIMM)))
