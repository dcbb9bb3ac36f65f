# kunit.py --qemu_config for movops: the guest architecture's machine
# (MOVOPS_ARCH: x86_64, arm64, ppc64le) on the same layout as the VM runs
# (scripts/host/vm.py), so the suite sees the same ZONE_MOVABLE memory; on arm64
# and ppc64le the top of boot RAM (movablecore=), since the suite runs
# built in, before an init could hot-add memory.
# kunit.py loads this file by path; QEMU_MEM, DIMM_MEM, MOVOPS_ARCH and
# MOVOPS_KIMAGE come from the environment that scripts/kunit/kunit-run.sh sets.
import os
import sys

# kunit.py loads this file by path, outside make's PYTHONPATH: vm.py
# (scripts/host) and the library it imports (scripts/report) by hand.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, '..', 'host'), os.path.join(HERE, '..', 'report')]
from qemu_config import QemuArchParams  # noqa: E402  (kunit.py's own)
import vm  # noqa: E402

ARCH = os.environ.get('MOVOPS_ARCH', 'x86_64')
# linux ARCH=, qemu-system-<name>, the console's kconfig
_KUNIT = {
    'x86_64': ('x86_64', 'x86_64', 'CONFIG_SERIAL_8250=y\nCONFIG_SERIAL_8250_CONSOLE=y'),
    'arm64': ('arm64', 'aarch64', 'CONFIG_SERIAL_AMBA_PL011=y\nCONFIG_SERIAL_AMBA_PL011_CONSOLE=y'),
    'ppc64le': ('powerpc', 'ppc64', 'CONFIG_HVC_CONSOLE=y'),
}
_linux, _qemu, _kconfig = _KUNIT[ARCH]
_mem, _dimm = os.environ.get('QEMU_MEM', '1G'), os.environ.get('DIMM_MEM', vm.DIMM)

QEMU_ARCH = QemuArchParams(
    linux_arch=_linux,
    kconfig='\n' + _kconfig,
    qemu_arch=_qemu,
    kernel_path=os.environ.get('MOVOPS_KIMAGE', 'arch/x86/boot/bzImage'),
    kernel_command_line=(f"console={vm.MACHINES[ARCH]['console']} " +
                         vm.machine_cmdline(ARCH, _dimm, hotadd=False)),
    extra_qemu_params=(['-cpu', 'max'] if ARCH == 'x86_64' else []) +
    vm.machine_args(_mem, _dimm, ARCH))
