// SPDX-License-Identifier: GPL-2.0
/*
 * repro_co.c - movops_repro.ko's compact-offline reproducer (repro.c says
 * what it shows).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mmzone.h>
#include <linux/pageblock-flags.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "fixtures.h"
#include "movops_compat.h"
#include "repro.h"

#if defined(CONFIG_KPROBES) && MV_HAVE_SET_PFNBLOCK_BIT
/* How long a held side waits for the other (s). */
#define MVR_CO_WAIT_S	60
/* How long A, held where it must not sleep, waits for B's offlining (s). */
#define MVR_CO_SPIN_S	3
/* Half-used pageblocks made at the top of ZONE_MOVABLE, and tries. */
#define MVR_CO_TARGETS	4
#define MVR_CO_TRIES	32

typedef void (*mvr_set_bit_fn)(const struct page *page, unsigned long pfn,
			       enum pageblock_bits pb_bit);
/* 7.3's __offline_isolated_pages() returns the managed pages it offlined. */
typedef unsigned long (*mvr_offline_fn)(unsigned long start_pfn,
					unsigned long end_pfn);

enum { MVR_CO_WAITING, MVR_CO_HELD };

/* The compact-offline run: its memory block, A and B. */
static struct {
	unsigned long block;		/* sysfs memory block number */
	unsigned long start, end;	/* its PFNs */
	unsigned long pfn;		/* where A was held */
	mvr_set_bit_fn set_bit;		/* set_pfnblock_bit() itself */
	mvr_offline_fn offline_isolated;	/* __offline_isolated_pages() */
	struct task_struct *a;
	struct file *compact, *state_file;	/* opened by the trigger's writer */
	atomic_t state, b_state;
	atomic_t a_marks;		/* A's skip marks seen by the probe */
	unsigned long a_lo, a_hi;	/* ... their lowest and highest PFN */
	unsigned long target[MVR_CO_TARGETS];
	unsigned int ntargets;
	struct completion b_at_mark, held, offlined;
	ssize_t a_ret, b_ret;
	bool b_ran;
	bool a_atomic;		/* A was held where it must not sleep */
	bool b_waited;		/* ... and B's offlining waited for it */
} mvr_co;

static struct mv_race_side mvr_co_a_side, mvr_co_b_side;

/*
 * The schedule: B offlines the block and is held where offline_pages()
 * marks its sections offline (__offline_isolated_pages()), past the grace
 * period of lru_cache_disable(); then A compacts and is held where it marks
 * a pageblock of the block skipped; then B goes on, and A once B is done.
 * Without a fix, A then marks a pageblock whose memmap B poisoned.
 */
static unsigned long mvr_co_b_detour(unsigned long start_pfn,
				     unsigned long end_pfn)
{
	unsigned long deadline = jiffies + MVR_CO_WAIT_S * HZ;

	complete(&mvr_co.b_at_mark);
	while (!completion_done(&mvr_co.held) &&
	       !completion_done(&mvr_co_a_side.fin) &&
	       time_before(jiffies, deadline))
		msleep(20);
	return mvr_co.offline_isolated(start_pfn, end_pfn);
}

/*
 * Where the kprobe sends A instead of set_pfnblock_bit(): A goes on into
 * the real call once B has offlined the block.  Unfixed,
 * isolate_migratepages_block() holds no lock there and A sleeps.  A fix
 * that checks the section under rcu_read_lock() (patches/0005) has A in an
 * RCU read-side section, where it must not sleep and where B, waiting for a
 * grace period, cannot finish: A spins MVR_CO_SPIN_S, then goes on.
 */
static void mvr_co_detour(const struct page *page, unsigned long pfn,
			  enum pageblock_bits pb_bit)
{
	unsigned long deadline = jiffies + MVR_CO_SPIN_S * HZ;

	complete(&mvr_co.held);
	if (rcu_preempt_depth() || !preemptible()) {
		mvr_co.a_atomic = true;
		while (!completion_done(&mvr_co.offlined) &&
		       time_before(jiffies, deadline))
			mdelay(1);
		mvr_co.b_waited = !completion_done(&mvr_co.offlined);
	} else {
		wait_for_completion_timeout(&mvr_co.offlined,
					    MVR_CO_WAIT_S * HZ);
	}
	mvr_co.set_bit(page, pfn, pb_bit);
}

static int mvr_co_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long pfn = regs_get_kernel_argument(regs, 1);

	if (current != READ_ONCE(mvr_co.a) ||
	    regs_get_kernel_argument(regs, 2) != PB_compact_skip)
		return 0;
	if (atomic_inc_return(&mvr_co.a_marks) == 1 || pfn < mvr_co.a_lo)
		mvr_co.a_lo = pfn;
	mvr_co.a_hi = max(mvr_co.a_hi, pfn);
	if (pfn < mvr_co.start || pfn >= mvr_co.end ||
	    atomic_cmpxchg(&mvr_co.state, MVR_CO_WAITING, MVR_CO_HELD) !=
	    MVR_CO_WAITING)
		return 0;
	mvr_co.pfn = pfn;
	/* A non-zero return: resume at the new IP, the probed call undone. */
	instruction_pointer_set(regs, (unsigned long)mvr_co_detour);
	return 1;
}

/* B, the one offlining of the block: held once. */
static int mvr_co_b_pre(struct kprobe *kp, struct pt_regs *regs)
{
	if (regs_get_kernel_argument(regs, 0) != mvr_co.start ||
	    atomic_cmpxchg(&mvr_co.b_state, MVR_CO_WAITING, MVR_CO_HELD) !=
	    MVR_CO_WAITING)
		return 0;
	instruction_pointer_set(regs, (unsigned long)mvr_co_b_detour);
	return 1;
}

/* A post-handler keeps a probe a trap: an optimized one ignores the IP. */
static void mvr_co_post(struct kprobe *kp, struct pt_regs *regs,
			unsigned long flags)
{
}

static struct kprobe mvr_co_kp = {
	.symbol_name = "set_pfnblock_bit",
	.pre_handler = mvr_co_pre,
	.post_handler = mvr_co_post,
};

static struct kprobe mvr_co_b_kp = {
	.symbol_name = "__offline_isolated_pages",
	.pre_handler = mvr_co_b_pre,
	.post_handler = mvr_co_post,
};

static ssize_t mvr_write_str(struct file *f, const char *val)
{
	loff_t pos = 0;

	return kernel_write(f, val, strlen(val), &pos);
}

/*
 * A: once B is held, compact every zone, as "echo 1 >
 * /proc/sys/vm/compact_memory" does.
 */
static void mvr_co_a(void *unused)
{
	unsigned long deadline = jiffies + MVR_CO_WAIT_S * HZ;

	while (!completion_done(&mvr_co.b_at_mark) &&
	       !completion_done(&mvr_co_b_side.fin) &&
	       time_before(jiffies, deadline))
		msleep(20);
	if (completion_done(&mvr_co.b_at_mark))
		mvr_co.a_ret = mvr_write_str(mvr_co.compact, "1");
}

static struct mv_race_side mvr_co_a_side = { .fn = mvr_co_a };

/*
 * Through sysfs, as user space would: the store only trylocks the device
 * hotplug lock, and asks a caller who missed it to restart the syscall.
 */
static ssize_t mvr_co_block_state(const char *state)
{
	ssize_t ret;
	int i;

	for (i = 0; i < 100; i++) {
		ret = mvr_write_str(mvr_co.state_file, state);
		if (ret != -ERESTARTNOINTR)
			break;
		clear_thread_flag(TIF_SIGPENDING);
		msleep(20);
	}
	return ret;
}

/* B: offline the block (held in mvr_co_b_detour() until A is held). */
static void mvr_co_b(void *unused)
{
	mvr_co.b_ret = mvr_co_block_state("offline");
	mvr_co.b_ran = true;
	complete(&mvr_co.offlined);
}

static struct mv_race_side mvr_co_b_side = { .fn = mvr_co_b };

static struct zone *mvr_co_zone(void)
{
	return &NODE_DATA(first_online_node)->node_zones[ZONE_MOVABLE];
}

/* The memory block at the start of ZONE_MOVABLE: the migration scanner starts there. */
static int mvr_co_setup(void)
{
	struct zone *zone = mvr_co_zone();
	unsigned long block_pages = memory_block_size_bytes() >> PAGE_SHIFT;

	if (!populated_zone(zone)) {
		mvr_report("compact-offline", "skip: no ZONE_MOVABLE on node %d",
			   first_online_node);
		return -EOPNOTSUPP;
	}
	memset(&mvr_co, 0, sizeof(mvr_co));
	init_completion(&mvr_co.b_at_mark);
	init_completion(&mvr_co.held);
	init_completion(&mvr_co.offlined);
	mvr_co.start = ALIGN(zone->zone_start_pfn, block_pages);
	mvr_co.end = mvr_co.start + block_pages;
	mvr_co.block = mvr_co.start / block_pages;
	if (mvr_co.end > zone_end_pfn(zone)) {
		mvr_report("compact-offline",
			   "skip: ZONE_MOVABLE holds no whole memory block");
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Opened here, by the trigger's writer: a kthread's paths resolve in a
 * private, empty nullfs (7.3.4's fs/namespace.c: "all kthreads start
 * isolated in nullfs"), where both lookups fail with -ENOENT.
 */
static int mvr_co_open(void)
{
	char path[64];

	mvr_co.compact = filp_open("/proc/sys/vm/compact_memory", O_WRONLY, 0);
	if (IS_ERR(mvr_co.compact)) {
		mvr_report("compact-offline", "skip: /proc/sys/vm/compact_memory: %ld",
			   PTR_ERR(mvr_co.compact));
		return PTR_ERR(mvr_co.compact);
	}
	snprintf(path, sizeof(path), "/sys/devices/system/memory/memory%lu/state",
		 mvr_co.block);
	mvr_co.state_file = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(mvr_co.state_file)) {
		mvr_report("compact-offline", "skip: %s: %ld", path,
			   PTR_ERR(mvr_co.state_file));
		filp_close(mvr_co.compact, NULL);
		return PTR_ERR(mvr_co.state_file);
	}
	return 0;
}

static void mvr_co_close(void)
{
	filp_close(mvr_co.state_file, NULL);
	filp_close(mvr_co.compact, NULL);
}

/*
 * The probed function itself, for a detour to call.  The registered
 * probe's address is past the function's ENDBR where there is one:
 * sprint_symbol() says how far ("set_pfnblock_bit+0x4/0x60").
 */
static unsigned long mvr_co_real(struct kprobe *kp)
{
	char sym[KSYM_SYMBOL_LEN];
	unsigned long off;
	char *plus, *slash;

	sprint_symbol(sym, (unsigned long)kp->addr);
	plus = strchr(sym, '+');
	slash = plus ? strchr(plus, '/') : NULL;
	if (slash) {
		*slash = '\0';
		if (!kstrtoul(plus + 1, 0, &off))
			return (unsigned long)kp->addr - off;
	}
	mvr_report("compact-offline", "skip: no offset in '%s'", sym);
	return 0;
}

static struct kprobe *mvr_co_kps[] = { &mvr_co_kp, &mvr_co_b_kp };

/* The run's outcome, once A and B are done. */
static int mvr_co_outcome(void)
{
	if (!completion_done(&mvr_co.b_at_mark)) {
		mvr_report("compact-offline",
			   "fail: offlining memory%lu returned %zd before it marked the block offline",
			   mvr_co.block, mvr_co.b_ret);
		return -EAGAIN;
	}
	if (!completion_done(&mvr_co.held)) {
		mvr_report("compact-offline",
			   "fail: the window was not reached (compaction returned %zd without marking a pageblock of memory%lu; it marked %d, PFN %lu to %lu)",
			   mvr_co.a_ret, mvr_co.block, atomic_read(&mvr_co.a_marks),
			   mvr_co.a_lo, mvr_co.a_hi);
		return -EAGAIN;
	}
	mvr_report("compact-offline",
		   "clean: memory%lu offline returned %zd; compaction, held on PFN %lu%s, returned %zd; no splat",
		   mvr_co.block, mvr_co.b_ret, mvr_co.pfn,
		   !mvr_co.a_atomic ? "" : mvr_co.b_waited ?
		   " where it must not sleep, was waited for" :
		   " where it must not sleep, was not waited for",
		   mvr_co.a_ret);
	return 0;
}

int mvr_compact_offline(void)
{
	int cpu_a, cpu_b, ret;

	ret = mvr_co_setup();
	if (ret)
		return ret;
	ret = mvr_co_open();
	if (ret)
		return ret;
	ret = register_kprobes(mvr_co_kps, ARRAY_SIZE(mvr_co_kps));
	if (ret) {
		mvr_report("compact-offline", "skip: kprobes on %s and %s: %d",
			   mvr_co_kp.symbol_name, mvr_co_b_kp.symbol_name, ret);
		goto out_files;
	}
	mvr_co.set_bit = (mvr_set_bit_fn)mvr_co_real(&mvr_co_kp);
	mvr_co.offline_isolated = (mvr_offline_fn)mvr_co_real(&mvr_co_b_kp);
	if (!mvr_co.set_bit || !mvr_co.offline_isolated) {
		ret = -EOPNOTSUPP;
		goto out_probe;
	}
	/* Targets for the free scanner above the block: lib/pfn.c says why. */
	mvr_co.ntargets = mv_half_used_pageblocks(mvr_co_zone(), mvr_co.end,
						  mvr_co.target, MVR_CO_TARGETS,
						  MVR_CO_TRIES);
	cpu_a = cpumask_first(cpu_online_mask);
	cpu_b = cpumask_next(cpu_a, cpu_online_mask);
	if (cpu_b >= nr_cpu_ids)
		cpu_b = cpu_a;
	pr_info("compact-offline: B (CPU %d) offlines memory%lu (PFN %lu to %lu), held before it marks it offline, while A (CPU %d) compacts until it is about to mark a pageblock of it skipped; %u target pageblocks\n",
		cpu_b, mvr_co.block, mvr_co.start, mvr_co.end - 1, cpu_a,
		mvr_co.ntargets);
	ret = mv_race_run(&mvr_co_a_side, &mvr_co_b_side, cpu_a, cpu_b,
			  "movops_repro_co", &mvr_co.a);
	mv_half_used_release(mvr_co.target, mvr_co.ntargets);
	if (!ret)
		ret = mvr_co_outcome();
	if (!ret && mvr_co.b_ret > 0)
		mvr_co_block_state("online_movable");
out_probe:
	unregister_kprobes(mvr_co_kps, ARRAY_SIZE(mvr_co_kps));
out_files:
	mvr_co_close();
	return ret;
}
#else
int mvr_compact_offline(void)
{
	mvr_report("compact-offline", "skip: no CONFIG_KPROBES or no set_pfnblock_bit()");
	return -EOPNOTSUPP;
}
#endif
