// SPDX-License-Identifier: GPL-2.0
/*
 * repro.c - movops_repro.ko: targeted reproducers of kernel bugs that
 * movops found (docs/kernel-bugs.md). Each one runs when its name is
 * written to /sys/kernel/debug/movops_repro/trigger; on a kernel without
 * the fix (and with CONFIG_DEBUG_VM) it ends in a VM_BUG_ON, so it runs
 * only on request ("make repro BUG=name"), never in "make run".
 *
 *  dma-pageblock: alloc_contig_pages(4, GFP_DMA) tries PFN 4, whose
 *    pageblock starts at PFN 0, outside ZONE_DMA (it starts at PFN 1):
 *    VM_BUG_ON_PAGE(!zone_spans_pfn()) in get_pfnblock_bitmap_bitidx().
 *
 *  isolate-undo: caller A isolates a pageblock in alloc_contig_range(); a
 *    kprobe on pfn_to_online_page(), which isolate_single_pageblock()
 *    calls right after isolating it, holds A there while caller B, on the
 *    other CPU, runs alloc_contig_range() over the same pageblock. B's
 *    isolation fails (-EBUSY) and its "goto done" un-isolates A's
 *    pageblock; A resumes into its second isolate_single_pageblock(),
 *    whose VM_BUG_ON(!get_pageblock_isolate()) fires.
 *
 *  compact-offline: A, a kthread, compacts every zone (a write to
 *    /proc/sys/vm/compact_memory).  When its migration scanner has scanned
 *    a pageblock of the first memory block of ZONE_MOVABLE and is about to
 *    mark it skipped (isolate_migratepages_block() -> set_pageblock_skip()
 *    -> set_pfnblock_bit()), a kprobe sends A to a detour that sleeps (no
 *    lock is held there) while B, a kthread, offlines that memory block
 *    through sysfs: offline_pages() poisons its struct pages and shrinks
 *    the zone.  A then goes on into set_pfnblock_bit() with a page of the
 *    offlined block: VM_BUG_ON_PAGE(!zone_spans_pfn()) in
 *    get_pfnblock_bitmap_bitidx(), on a poisoned page.  No fix yet.
 *
 *  optprobe-paca: (ppc64) an optimized kprobe's trampoline
 *    (arch/powerpc/kernel/optprobes_head.S) saves r2 to r31, r13 (the
 *    paca) among them, runs the handler preemptible and restores them: a
 *    task moved to another CPU in between comes back with the old CPU's
 *    paca.  A kthread calls a probed kernel function in a loop while the
 *    trigger moves it between two CPUs, and after each call compares
 *    raw_smp_processor_id() (read through r13) with task_cpu().  A
 *    mismatch is the bug; it lasts until the next interrupt reloads r13,
 *    and the kthread waits for that before it goes on.  Fails (-EIO)
 *    without a splat; elsewhere, or with the fix, runs clean.
 *
 * The result of a run that survives is printed as one line,
 * "movops_repro: NAME: clean: ...", and kept in "result".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pageblock-flags.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fixtures.h"
#include "movops_compat.h"
#include "repro.h"

static DEFINE_MUTEX(mvr_lock);
static char mvr_result[256];
static struct dentry *mvr_dir;

__printf(2, 3) void mvr_report(const char *name, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = scnprintf(mvr_result, sizeof(mvr_result), "%s: ", name);
	va_start(ap, fmt);
	vscnprintf(mvr_result + n, sizeof(mvr_result) - n, fmt, ap);
	va_end(ap);
	pr_info("%s\n", mvr_result);
}

static int mvr_dma_pageblock(void)
{
#if MV_HAVE_ALLOC_CONTIG_PAGES_EXPORT && defined(CONFIG_ZONE_DMA)
	struct page *page;
	unsigned long pfn;

	pr_info("dma-pageblock: alloc_contig_pages(4, GFP_DMA)\n");
	page = alloc_contig_pages(4, GFP_DMA | __GFP_NOWARN, first_online_node,
				  NULL);
	if (!page) {
		mvr_report("dma-pageblock", "clean: no range (NULL), no splat");
		return 0;
	}
	pfn = page_to_pfn(page);
	free_contig_range(pfn, 4);
	mvr_report("dma-pageblock", "clean: PFN %lu to %lu (pageblock %lu), no splat",
		   pfn, pfn + 3, pageblock_start_pfn(pfn));
	return 0;
#else
	mvr_report("dma-pageblock", "skip: alloc_contig_pages() not exported or no ZONE_DMA");
	return -EOPNOTSUPP;
#endif
}

#ifdef CONFIG_KPROBES
/* The isolate-undo run: A's and B's range is [pfn, pfn + 1). */
static struct {
	unsigned long pfn;
	struct task_struct *a;
	atomic_t held;		/* A is held with its pageblock isolated */
	atomic_t b_done;	/* B has run (or given up) */
	bool b_ran;
	int a_ret, b_ret;
} mvr_iso;

/* Ten seconds of 1 us steps: B needs a few milliseconds under TCG. */
#define MVR_HOLD_STEPS	10000000UL

static int mvr_hold_pre(struct kprobe *kp, struct pt_regs *regs)
{
	unsigned long pfn = regs_get_kernel_argument(regs, 0);
	unsigned long i;

	if (current != READ_ONCE(mvr_iso.a) ||
	    pfn != pageblock_start_pfn(mvr_iso.pfn) - 1 ||
	    atomic_xchg(&mvr_iso.held, 1))
		return 0;
	/*
	 * isolate_single_pageblock() calls pfn_to_online_page(boundary - 1)
	 * just after A isolated its pageblock: hold A until B has run.
	 */
	for (i = 0; i < MVR_HOLD_STEPS && !atomic_read(&mvr_iso.b_done); i++)
		udelay(1);
	return 0;
}

static struct kprobe mvr_hold_kp = {
	.symbol_name = "pfn_to_online_page",
	.pre_handler = mvr_hold_pre,
};

static void mvr_iso_a(void *unused)
{
	mvr_iso.a_ret = mv_alloc_contig_range(mvr_iso.pfn, mvr_iso.pfn + 1,
					      GFP_KERNEL | __GFP_NOWARN);
}

static void mvr_iso_b(void *unused)
{
	unsigned long deadline = jiffies + 10 * HZ;

	while (!atomic_read(&mvr_iso.held) && time_before(jiffies, deadline))
		usleep_range(20, 50);
	if (atomic_read(&mvr_iso.held)) {
		mvr_iso.b_ret = mv_alloc_contig_range(mvr_iso.pfn, mvr_iso.pfn + 1,
						      GFP_KERNEL | __GFP_NOWARN);
		mvr_iso.b_ran = true;
	}
	atomic_set(&mvr_iso.b_done, 1);
}

static struct mv_race_side mvr_iso_a_side = { .fn = mvr_iso_a };
static struct mv_race_side mvr_iso_b_side = { .fn = mvr_iso_b };

/* A free page in a pageblock that isolates: take one, give it back. */
static int mvr_iso_setup(void)
{
	struct page *page;

	page = mv_alloc_contig_pages(1, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN,
				     first_online_node);
	if (!page) {
		mvr_report("isolate-undo", "skip: no isolatable page");
		return -ENOMEM;
	}
	memset(&mvr_iso, 0, sizeof(mvr_iso));
	mvr_iso.pfn = page_to_pfn(page);
	__free_page(page);
	return 0;
}

/* Run A on @cpu_a and B on @cpu_b and wait for both to finish. */
static int mvr_iso_race(int cpu_a, int cpu_b)
{
	pr_info("isolate-undo: A (CPU %d) and B (CPU %d) run alloc_contig_range() over PFN %lu, pageblock %lu\n",
		cpu_a, cpu_b, mvr_iso.pfn, pageblock_start_pfn(mvr_iso.pfn));
	return mv_race_run(&mvr_iso_a_side, &mvr_iso_b_side, cpu_a, cpu_b,
			   "movops_repro", &mvr_iso.a);
}

static int mvr_isolate_undo(void)
{
	int cpu_a, cpu_b, ret;

	cpu_a = cpumask_first(cpu_online_mask);
	cpu_b = cpumask_next(cpu_a, cpu_online_mask);
	if (cpu_b >= nr_cpu_ids) {
		mvr_report("isolate-undo", "skip: needs two online CPUs");
		return -EOPNOTSUPP;
	}
	ret = mvr_iso_setup();
	if (ret)
		return ret;
	ret = register_kprobe(&mvr_hold_kp);
	if (ret) {
		mvr_report("isolate-undo", "skip: kprobe on pfn_to_online_page: %d", ret);
		return ret;
	}
	/*
	 * Let the kprobe optimizer patch the probe now: its text_poke IPIs
	 * would wait for A's CPU while A is held.
	 */
	msleep(200);
	ret = mvr_iso_race(cpu_a, cpu_b);
	if (ret)
		goto out_probe;
	if (!mvr_iso.a_ret)
		free_contig_range(mvr_iso.pfn, 1);
	if (!atomic_read(&mvr_iso.held) || !mvr_iso.b_ran) {
		mvr_report("isolate-undo", "fail: the window was not reached (held %d, B ran %d)",
			   atomic_read(&mvr_iso.held), mvr_iso.b_ran);
		ret = -EAGAIN;
	} else {
		mvr_report("isolate-undo",
			   "clean: B returned %d while A held the pageblock, A returned %d, no splat",
			   mvr_iso.b_ret, mvr_iso.a_ret);
	}
out_probe:
	unregister_kprobe(&mvr_hold_kp);
	return ret;
}
#else
static int mvr_isolate_undo(void)
{
	mvr_report("isolate-undo", "skip: no CONFIG_KPROBES");
	return -EOPNOTSUPP;
}
#endif

#ifdef CONFIG_KPROBES
/* optprobe-paca: stop after this many mismatches, or after MVR_PP_SECONDS. */
#define MVR_PP_LOST_MAX		20
#define MVR_PP_SECONDS		5
/* How long to wait for the kprobe optimizer (ms). */
#define MVR_PP_OPT_WAIT_MS	10000

static struct {
	atomic_long_t hits;
	unsigned long calls;
	unsigned long lost;
	int lost_cpu, lost_base;	/* the first mismatch */
} mvr_pp;

static int mvr_pp_pre(struct kprobe *kp, struct pt_regs *regs)
{
	atomic_long_inc(&mvr_pp.hits);
	return 0;
}

/*
 * Pre-handler only: the kind of kprobe the optimizer turns into a jump.
 * On a function that only reads global counters and has a stack frame
 * (its probe lands on an instruction that can be emulated; 7.3.4 ppc64le
 * did not optimize the one on the leaf zs_get_total_pages()).
 */
static struct kprobe mvr_pp_kp = {
	.symbol_name = "si_mem_available",
	.pre_handler = mvr_pp_pre,
};

static int mvr_pp_fn(void *unused)
{
	struct task_struct *me = current;
	int base;

	while (!kthread_should_stop()) {
		si_mem_available();
		mvr_pp.calls++;
		base = mv_percpu_base_off(me);
		if (base >= 0) {
			if (!mvr_pp.lost) {
				mvr_pp.lost_cpu = task_cpu(me);
				mvr_pp.lost_base = base;
			}
			WRITE_ONCE(mvr_pp.lost, mvr_pp.lost + 1);
			/* Touch nothing per-CPU until an interrupt reloads it. */
			while (mv_percpu_base_off(me) >= 0)
				cpu_relax();
		}
		if (!(mvr_pp.calls & 255))
			cond_resched();
	}
	return 0;
}

/*
 * Whether the kprobe optimizer turned the probe into a jump.  It runs 5
 * jiffies after registration and waits for an RCU-tasks grace period
 * before it patches: seconds under TCG.
 */
static bool mvr_pp_optimized(void)
{
	unsigned int i;

	for (i = 0; i < MVR_PP_OPT_WAIT_MS / 100; i++) {
		if (READ_ONCE(mvr_pp_kp.flags) & KPROBE_FLAG_OPTIMIZED)
			return true;
		msleep(100);
	}
	return READ_ONCE(mvr_pp_kp.flags) & KPROBE_FLAG_OPTIMIZED;
}

static int mvr_optprobe_paca(void)
{
	unsigned long deadline, moves = 0;
	struct task_struct *t;
	int cpu[2], ret;

	cpu[0] = cpumask_first(cpu_online_mask);
	cpu[1] = cpumask_next(cpu[0], cpu_online_mask);
	if (cpu[1] >= nr_cpu_ids) {
		mvr_report("optprobe-paca", "skip: needs two online CPUs");
		return -EOPNOTSUPP;
	}
	memset(&mvr_pp, 0, sizeof(mvr_pp));
	ret = register_kprobe(&mvr_pp_kp);
	if (ret) {
		mvr_report("optprobe-paca", "skip: kprobe on %s: %d",
			   mvr_pp_kp.symbol_name, ret);
		return ret;
	}
	if (!mvr_pp_optimized()) {
		/* A trap: nothing saves or restores r13, nothing to see. */
		mvr_report("optprobe-paca",
			   "skip: the kprobe on %s was not optimized in %d ms (CONFIG_OPTPROBES=%d)",
			   mvr_pp_kp.symbol_name, MVR_PP_OPT_WAIT_MS,
			   IS_ENABLED(CONFIG_OPTPROBES));
		ret = -EOPNOTSUPP;
		goto out_probe;
	}
	t = kthread_create(mvr_pp_fn, NULL, "movops_repro_pp");
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		goto out_probe;
	}
	get_task_struct(t);
	wake_up_process(t);
	deadline = jiffies + MVR_PP_SECONDS * HZ;
	while (time_before(jiffies, deadline) &&
	       READ_ONCE(mvr_pp.lost) < MVR_PP_LOST_MAX) {
		set_cpus_allowed_ptr(t, cpumask_of(cpu[moves++ & 1]));
		usleep_range(200, 400);
	}
	kthread_stop(t);
	put_task_struct(t);
	if (mvr_pp.lost) {
		mvr_report("optprobe-paca",
			   "fail: %lu of %lu calls came back with the per-CPU base of another CPU (first: on CPU %d, base of CPU %d); %lu moves, %ld hits of the optimized kprobe on %s",
			   mvr_pp.lost, mvr_pp.calls, mvr_pp.lost_cpu,
			   mvr_pp.lost_base, moves, atomic_long_read(&mvr_pp.hits),
			   mvr_pp_kp.symbol_name);
		ret = -EIO;
	} else {
		mvr_report("optprobe-paca",
			   "clean: %lu calls, %lu moves, %ld hits of the optimized kprobe on %s, every call came back on its own CPU's base",
			   mvr_pp.calls, moves, atomic_long_read(&mvr_pp.hits),
			   mvr_pp_kp.symbol_name);
	}
out_probe:
	unregister_kprobe(&mvr_pp_kp);
	return ret;
}
#else
static int mvr_optprobe_paca(void)
{
	mvr_report("optprobe-paca", "skip: no CONFIG_KPROBES");
	return -EOPNOTSUPP;
}
#endif

static ssize_t mvr_trigger_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char buf[32];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);

	mutex_lock(&mvr_lock);
	if (!strcmp(buf, "dma-pageblock"))
		ret = mvr_dma_pageblock();
	else if (!strcmp(buf, "isolate-undo"))
		ret = mvr_isolate_undo();
	else if (!strcmp(buf, "compact-offline"))
		ret = mvr_compact_offline();
	else if (!strcmp(buf, "optprobe-paca"))
		ret = mvr_optprobe_paca();
	else
		ret = -EINVAL;
	mutex_unlock(&mvr_lock);
	return ret ? ret : count;
}

static ssize_t mvr_result_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[sizeof(mvr_result) + 1];
	int n;

	mutex_lock(&mvr_lock);
	n = scnprintf(buf, sizeof(buf), "%s\n", mvr_result);
	mutex_unlock(&mvr_lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, n);
}

static const struct file_operations mvr_trigger_fops = {
	.owner = THIS_MODULE,
	.write = mvr_trigger_write,
};

static const struct file_operations mvr_result_fops = {
	.owner = THIS_MODULE,
	.read = mvr_result_read,
};

static int __init movops_repro_init(void)
{
	mvr_dir = debugfs_create_dir("movops_repro", NULL);
	if (IS_ERR(mvr_dir))
		return PTR_ERR(mvr_dir);
	debugfs_create_file("trigger", 0200, mvr_dir, NULL, &mvr_trigger_fops);
	debugfs_create_file("result", 0400, mvr_dir, NULL, &mvr_result_fops);
	return 0;
}

static void __exit movops_repro_exit(void)
{
	debugfs_remove_recursive(mvr_dir);
}

module_init(movops_repro_init);
module_exit(movops_repro_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Reproducers of kernel bugs found by movops (run on request only)");
