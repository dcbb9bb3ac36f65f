// SPDX-License-Identifier: GPL-2.0
/*
 * stress.c - stress mode: kthreads churn a balloon device and a zsmalloc
 * pool of their own and migrate their pages while they do, for as long as
 * user space lets them run.  Books are kept so that user space can check
 * that nothing was lost: every balloon page inflated is held, deflated or
 * was deflated during migration (-ENOENT); every object allocated is held
 * or was freed, and every object is verified before it is freed.
 *
 * Interface: movops/stress, write "start", "stop" or "drain"; read the
 * counters.  Parameters: /sys/module/movops/parameters/stress_*.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/oom.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "stress.h"

static unsigned int stress_migrators = 2;
module_param(stress_migrators, uint, 0644);
MODULE_PARM_DESC(stress_migrators, "Stress: targeted migration threads (1..16)");

static unsigned int stress_balloon_pages = 8192;
module_param(stress_balloon_pages, uint, 0644);
MODULE_PARM_DESC(stress_balloon_pages, "Stress: balloon pages to churn around");

static unsigned int stress_zs_objects = 8192;
module_param(stress_zs_objects, uint, 0644);
MODULE_PARM_DESC(stress_zs_objects, "Stress: zsmalloc objects to churn around");

static unsigned int stress_max_pct = 25;
module_param(stress_max_pct, uint, 0644);
MODULE_PARM_DESC(stress_max_pct,
		 "Stress: cap on balloon pages plus objects, percent of RAM (1..100)");

static const char * const ms_names[MS_NR] = {
#define MS_COUNTER(name)	#name
#include "stress_counter_list.h"
#undef MS_COUNTER
};

static void ms_stop_threads(void)
{
	unsigned int i;

	for (i = 0; i < ms.nthreads; i++) {
		kthread_stop(ms.threads[i]);
		ms.threads[i] = NULL;
	}
	ms.nthreads = 0;
	if (ms.running)
		ms.t_stop = ktime_get_ns();
	ms.running = false;
	/* A request no migration served is void. */
	atomic_set(&ms.enoent_req, 0);
}

static int ms_add_thread(int (*fn)(void *), void *arg, const char *name,
			 unsigned int i)
{
	struct task_struct *t;

	t = kthread_run(fn, arg, "movops_%s/%u", name, i);
	if (IS_ERR(t))
		return PTR_ERR(t);
	ms.threads[ms.nthreads++] = t;
	return 0;
}

/*
 * The books of a run, sized for its targets when it starts (the pressure
 * phase aims past what is free, so they are not sized at load): a slot
 * per balloon page and per object, and the verify buffer.  Caller holds
 * ms.ctl with nothing held, so no worker or OOM deflate reads them.
 */
static int ms_alloc_books(void)
{
	struct ms_bpage **pages;
	struct ms_zobj *zobjs;

	pages = kvcalloc(ms.bwant, sizeof(*pages), GFP_KERNEL);
	zobjs = kvcalloc(ms.zwant, sizeof(*zobjs), GFP_KERNEL);
	if (!ms.zbuf)
		ms.zbuf = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	if (!pages || !zobjs || !ms.zbuf) {
		kvfree(zobjs);
		kvfree(pages);
		return -ENOMEM;
	}
	spin_lock(&ms.lock);
	swap(ms.pages, pages);
	spin_unlock(&ms.lock);
	mutex_lock(&ms.zlock);
	swap(ms.zobjs, zobjs);
	mutex_unlock(&ms.zlock);
	kvfree(zobjs);
	kvfree(pages);
	return 0;
}

/* Caller holds ms.ctl. */
static int ms_start(void)
{
	unsigned long cap;
	unsigned int i, nmig = READ_ONCE(stress_migrators);
	int ret;

	if (ms.running || ms.n || ms.zn)
		return -EBUSY;		/* running, or not drained */
	if (!nmig || nmig > MS_MAX_MIGRATORS || !stress_max_pct ||
	    stress_max_pct > 100 || !stress_balloon_pages || !stress_zs_objects)
		return -EINVAL;
	cap = totalram_pages() / 100 * stress_max_pct;
	if ((unsigned long)stress_balloon_pages + stress_zs_objects > cap)
		return -ENOSPC;
	for (i = 0; i < MS_NR; i++)
		atomic_long_set(&ms_c[i], 0);
	ms.bwant = stress_balloon_pages;
	ms.zwant = stress_zs_objects;
	ret = ms_alloc_books();
	if (ret)
		return ret;
	ms.t_start = ktime_get_ns();
	ms.t_stop = 0;
	ms.running = true;
	ret = ms_add_thread(ms_balloon_fn, NULL, "balloon", 0);
	if (!ret)
		ret = ms_add_thread(ms_zs_fn, ms.zbuf, "zs", 0);
	if (!ret)
		ret = ms_add_thread(ms_compact_fn, NULL, "zs_compact", 0);
	for (i = 0; !ret && i < nmig; i++)
		ret = ms_add_thread(ms_migrate_fn, (void *)(unsigned long)i,
				    "migrate", i);
	if (ret)
		ms_stop_threads();
	return ret;
}

/*
 * Give everything back, verifying every object before it is freed.  A page
 * isolated by a concurrent compaction cannot be dequeued: wait for it, up
 * to about five seconds, then count what is stuck.
 */
static void ms_drain(void)
{
	unsigned int tries;

	while (ms_held() && !ms_deflate_one(MS_DRAIN_TRIES)) {
		ms_inc(MS_drained_balloon);
		cond_resched();
	}
	atomic_long_add(ms_held(), &ms_c[MS_drain_stuck]);
	mutex_lock(&ms.zlock);
	while (ms.zn) {
		ms_zs_free_one(ms.zn - 1, ms.zbuf);
		ms_inc(MS_drained_zs);
		cond_resched();
	}
	mutex_unlock(&ms.zlock);
	/*
	 * zs_free() of a zspage's last object frees the zspage only if it can
	 * trylock every page of it (mm/zsmalloc.c free_zspage()); a page that
	 * a migration or a compaction holds defers the free to a work item
	 * (kick_deferred_free()).  The pool's page count is judged after a
	 * drain: wait for those frees, bounded.
	 */
	for (tries = 0; zs_get_total_pages(ms.pool) && tries < MS_POOL_SETTLE_MS / 20; tries++)
		msleep(20);
}

static unsigned int ms_verify_all(void)
{
	unsigned int i, bad = 0;

	mutex_lock(&ms.zlock);
	for (i = 0; i < ms.zn; i++) {
		if (!ms_zs_check(&ms.zobjs[i], ms.zbuf))
			bad++;
		cond_resched();
	}
	mutex_unlock(&ms.zlock);
	return bad;
}

static const char * const ms_cmds[] = { "start", "stop", "drain", "verify" };

static ssize_t ms_write(struct file *f, const char __user *ubuf, size_t len,
			loff_t *ppos)
{
	char buf[MV_INPUT_MAX];
	int cmd, ret;

	ret = mv_get_input(ubuf, len, buf);
	if (ret)
		return ret;
	cmd = match_string(ms_cmds, ARRAY_SIZE(ms_cmds), buf);
	if (cmd < 0)
		return -EINVAL;
	if (mutex_lock_interruptible(&ms.ctl))
		return -EINTR;
	ret = 0;
	switch (cmd) {
	case 0:
		ret = ms_start();
		break;
	case 1:
		if (!ms.running)
			ret = -EINVAL;
		ms_stop_threads();
		break;
	case 2:
		if (ms.running)
			ret = -EBUSY;
		else
			ms_drain();
		break;
	case 3:
		if (ms.running)
			ret = -EBUSY;
		else
			ms_verify_all();
		break;
	}
	mutex_unlock(&ms.ctl);
	return ret ? ret : len;
}

static int ms_show(struct seq_file *m, void *v)
{
	unsigned int i;
	u64 end;

	if (mutex_lock_interruptible(&ms.ctl))
		return -EINTR;
	for (i = 0; i < MS_NR; i++)
		seq_printf(m, "%s %ld\n", ms_names[i], atomic_long_read(&ms_c[i]));
	end = ms.running ? ktime_get_ns() : ms.t_stop;
	seq_printf(m, "running %d\n", ms.running);
	seq_printf(m, "elapsed_ms %llu\n",
		   ms.t_start ? div_u64(end - ms.t_start, NSEC_PER_MSEC) : 0);
	seq_printf(m, "threads %u\n", ms.nthreads);
	seq_printf(m, "balloon_held %u\n", ms_held());
	seq_printf(m, "balloon_isolated %lu\n", READ_ONCE(ms.bdev.b.isolated_pages));
	seq_printf(m, "enoent_pending %d\n", atomic_read(&ms.enoent_req));
	seq_printf(m, "enoent_supported %d\n", MV_HAVE_BALLOON_ENOENT);
	seq_printf(m, "zs_objects %u\n", ms.zn);
	seq_printf(m, "zs_pool_pages %lu\n", zs_get_total_pages(ms.pool));
	seq_printf(m, "cap %lu\n", totalram_pages() / 100 * stress_max_pct);
	mutex_unlock(&ms.ctl);
	return 0;
}

static int ms_open(struct inode *inode, struct file *file)
{
	return single_open_size(file, ms_show, NULL, 4096);
}

static const struct file_operations ms_fops = {
	.owner = THIS_MODULE,
	.open = ms_open,
	.read = seq_read,
	.write = ms_write,
	.llseek = seq_lseek,
	.release = single_release,
};

int mv_stress_init(struct dentry *dir)
{
	mutex_init(&ms.ctl);
	mutex_init(&ms.zlock);
	spin_lock_init(&ms.lock);
	ms_balloon_init();
	/* The books (ms.pages, ms.zobjs, ms.zbuf) come with "start". */
	ms.pool = zs_create_pool("movops_stress");
	if (!ms.pool)
		return -ENOMEM;
	register_oom_notifier(&ms_oom_nb);
	debugfs_create_file("stress", 0600, dir, NULL, &ms_fops);
	return 0;
}

static int ms_release_one(void)
{
	int ret = ms_deflate_one(0);

	if (!ret)
		ms_inc(MS_drained_balloon);
	return ret;
}

/*
 * Unload: stop the workers, give every page back, say what came back.
 * What ms_drain() could not take in its bounded wait is still isolated by
 * a migration in flight: wait for it (mv_balloon_unload_drain()), never
 * free the device a page still points at.  Our pages left after that (by
 * our records, read apart from the drain) go to @left.
 */
void mv_stress_exit(struct mv_left *left)
{
	if (ms.pool) {
		unregister_oom_notifier(&ms_oom_nb);
		mutex_lock(&ms.ctl);
		ms_stop_threads();
		ms_drain();
		mv_balloon_unload_drain(&ms.bdev.b, "stress balloon", ms_held,
					ms_release_one);
		left->stress = ms_held();
		left->isolated += READ_ONCE(ms.bdev.b.isolated_pages);
		pr_info("stress unload: drained balloon %ld zs %ld, stuck %ld, untracked %ld, verify_fail %ld, pool pages %lu\n",
			atomic_long_read(&ms_c[MS_drained_balloon]),
			atomic_long_read(&ms_c[MS_drained_zs]),
			atomic_long_read(&ms_c[MS_drain_stuck]),
			atomic_long_read(&ms_c[MS_balloon_untracked]),
			atomic_long_read(&ms_c[MS_zs_verify_fail]),
			zs_get_total_pages(ms.pool));
		mutex_unlock(&ms.ctl);
		zs_destroy_pool(ms.pool);
		ms.pool = NULL;
	}
	kfree(ms.zbuf);
	ms.zbuf = NULL;
	kvfree(ms.zobjs);
	ms.zobjs = NULL;
	kvfree(ms.pages);
	ms.pages = NULL;
}
