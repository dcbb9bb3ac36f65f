// SPDX-License-Identifier: GPL-2.0
/*
 * hotadd.c - the guest's movable memory on arm64 and ppc64le
 * (docs/architectures.md): the kernel took only part of the boot RAM
 * (mem=), and the guest's init loads the module once with the rest
 * (hotadd_start, hotadd_mib), which add_memory() hot-adds and
 * memhp_default_state=online_movable onlines into ZONE_MOVABLE, as ACPI
 * does with the x86_64 DIMM.  The memory stays when the module unloads.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/memory_hotplug.h>
#include <linux/numa.h>
#include <linux/printk.h>

#include "movops.h"

int mv_hotadd(u64 start, unsigned int mib)
{
	int ret = -EOPNOTSUPP;

	if (!mib)
		return 0;
#ifdef CONFIG_MEMORY_HOTPLUG
	ret = add_memory(memory_add_physaddr_to_nid(start), start,
			 (u64)mib << 20, MHP_NONE);
#endif
	pr_info("hot-adding %u MiB at %#llx: %d\n", mib, start, ret);
	return ret;
}
