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
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/jhash.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/oom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "movops.h"

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

static bool stress_block = true;
module_param(stress_block, bool, 0644);
MODULE_PARM_DESC(stress_block,
		 "Stress: migrate the whole pageblock of the chosen page (else the page only)");

/*
 * alloc_contig_range() that fails to isolate a pageblock (-EBUSY: another
 * caller holds it) still runs undo_isolate_page_range() over its range, and
 * so un-isolates the other caller's pageblock under its feet: seen as
 * "kernel BUG at mm/page_isolation.c:349" (7.3.4; 6.12 has the same code).
 * So by default every range call of the module runs under mv.lock.
 */
static bool stress_serialize = true;
module_param(stress_serialize, bool, 0644);
MODULE_PARM_DESC(stress_serialize,
		 "Stress: one alloc_contig_range() at a time in the module (N reproduces the isolation race)");

static bool stress_fail;
module_param(stress_fail, bool, 0644);
MODULE_PARM_DESC(stress_fail,
		 "Stress: workers run with make-it-fail set (fail_page_alloc task-filter)");

#define MS_MAX_MIGRATORS	16
#define MS_BATCH		64
#define MS_HASH_BITS		12
#define MS_ZS_GFP	(GFP_NOIO | __GFP_NORETRY | __GFP_NOWARN | \
			 __GFP_HIGHMEM | __GFP_MOVABLE)
#define MS_CONTIG_GFP	(GFP_KERNEL | __GFP_NOWARN)
#define MS_DRAIN_TRIES	5000

enum ms_counter {
	MS_balloon_inflated,
	MS_balloon_deflated,
	MS_balloon_enoent,
	MS_balloon_alloc_fail,
	MS_balloon_dequeue_empty,
	MS_balloon_untracked,
	MS_balloon_callback_calls,
	MS_balloon_callback_migrated,
	MS_balloon_callback_foreign,
	MS_enoent_requested,
	MS_zs_allocated,
	MS_zs_freed,
	MS_zs_alloc_fail,
	MS_zs_verified,
	MS_zs_verify_fail,
	MS_zs_compact_runs,
	MS_zs_compacted_pages,
	MS_tgt_balloon_tries,
	MS_tgt_balloon_ok,
	MS_tgt_zs_tries,
	MS_tgt_zs_ok,
	MS_tgt_ebusy,
	MS_tgt_enomem,
	MS_tgt_errors,
	MS_drained_balloon,
	MS_drained_zs,
	MS_drain_stuck,
	MS_oom_deflated,
	MS_NR
};

static const char * const ms_names[MS_NR] = {
	[MS_balloon_inflated] = "balloon_inflated",
	[MS_balloon_deflated] = "balloon_deflated",
	[MS_balloon_enoent] = "balloon_enoent",
	[MS_balloon_alloc_fail] = "balloon_alloc_fail",
	[MS_balloon_dequeue_empty] = "balloon_dequeue_empty",
	[MS_balloon_untracked] = "balloon_untracked",
	[MS_balloon_callback_calls] = "balloon_callback_calls",
	[MS_balloon_callback_migrated] = "balloon_callback_migrated",
	[MS_balloon_callback_foreign] = "balloon_callback_foreign",
	[MS_enoent_requested] = "enoent_requested",
	[MS_zs_allocated] = "zs_allocated",
	[MS_zs_freed] = "zs_freed",
	[MS_zs_alloc_fail] = "zs_alloc_fail",
	[MS_zs_verified] = "zs_verified",
	[MS_zs_verify_fail] = "zs_verify_fail",
	[MS_zs_compact_runs] = "zs_compact_runs",
	[MS_zs_compacted_pages] = "zs_compacted_pages",
	[MS_tgt_balloon_tries] = "tgt_balloon_tries",
	[MS_tgt_balloon_ok] = "tgt_balloon_ok",
	[MS_tgt_zs_tries] = "tgt_zs_tries",
	[MS_tgt_zs_ok] = "tgt_zs_ok",
	[MS_tgt_ebusy] = "tgt_ebusy",
	[MS_tgt_enomem] = "tgt_enomem",
	[MS_tgt_errors] = "tgt_errors",
	[MS_drained_balloon] = "drained_balloon",
	[MS_drained_zs] = "drained_zs",
	[MS_drain_stuck] = "drain_stuck",
	[MS_oom_deflated] = "oom_deflated",
};

/* A balloon page of the stress device, found by PFN from the callback. */
struct ms_bpage {
	struct hlist_node node;
	unsigned long pfn;
	unsigned int idx;		/* slot in ms.pages[] */
};

struct ms_zobj {
	unsigned long handle;
	u32 id;
	u32 size;
};

static struct {
	struct mutex ctl;		/* start/stop/drain, the thread list */
	bool running;
	u64 t_start, t_stop;		/* ktime_get_ns() */
	struct task_struct *threads[MS_MAX_MIGRATORS + 3];
	unsigned int nthreads;
	unsigned int cap;		/* balloon pages plus objects */
	unsigned int bwant, zwant;	/* targets of this run */

	spinlock_t lock;		/* hash, pages[], n */
	struct balloon_dev_info bdev;
	struct ms_bpage **pages;
	unsigned int n;
	atomic_t enoent_req;		/* deflates owed by the next migrations */

	struct mutex zlock;		/* zobjs[], zn, next_id */
	struct zs_pool *pool;
	struct ms_zobj *zobjs;
	unsigned int zn, zcap;
	u32 next_id;
} ms;

static DEFINE_HASHTABLE(ms_hash, MS_HASH_BITS);
static atomic_long_t ms_c[MS_NR];

static inline void ms_inc(enum ms_counter c)
{
	atomic_long_inc(&ms_c[c]);
}

/* Caller holds ms.lock. */
static struct ms_bpage *ms_lookup(unsigned long pfn)
{
	struct ms_bpage *e;

	hash_for_each_possible(ms_hash, e, node, pfn)
		if (e->pfn == pfn)
			return e;
	return NULL;
}

/* Caller holds ms.lock. */
static void ms_untrack(struct ms_bpage *e)
{
	struct ms_bpage *last = ms.pages[--ms.n];

	hash_del(&e->node);
	ms.pages[e->idx] = last;
	last->idx = e->idx;
	ms.pages[ms.n] = NULL;
}

/*
 * The driver callback.  A pending deflate request is served here, the way
 * vmw_balloon deflates a page the host wants back while it is isolated:
 * -ENOENT, and the balloon core frees the page.
 */
static int ms_migratepage(struct balloon_dev_info *dev, struct page *newpage,
			  struct page *page, enum migrate_mode mode)
{
	struct ms_bpage *e;

	ms_inc(MS_balloon_callback_calls);
	spin_lock(&ms.lock);
	e = ms_lookup(page_to_pfn(page));
	if (!e) {
		spin_unlock(&ms.lock);
		ms_inc(MS_balloon_callback_foreign);
		return -EAGAIN;
	}
	if (MV_HAVE_BALLOON_ENOENT && atomic_dec_if_positive(&ms.enoent_req) >= 0) {
		ms_untrack(e);
		spin_unlock(&ms.lock);
		kfree(e);
		ms_inc(MS_balloon_enoent);
		return -ENOENT;
	}
	hash_del(&e->node);
	e->pfn = page_to_pfn(newpage);
	hash_add(ms_hash, &e->node, e->pfn);
	spin_unlock(&ms.lock);
	ms_inc(MS_balloon_callback_migrated);
	mv_balloon_migrated(dev, newpage, page);
	return 0;
}

static int ms_inflate_one(void)
{
	struct ms_bpage *e;
	struct page *page;

	e = kzalloc_obj(*e, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);
	page = e ? balloon_page_alloc() : NULL;
	if (!page) {
		kfree(e);
		ms_inc(MS_balloon_alloc_fail);
		return -ENOMEM;
	}
	e->pfn = page_to_pfn(page);
	/* Tracked before it is enqueued: it can migrate at once. */
	spin_lock(&ms.lock);
	e->idx = ms.n;
	ms.pages[ms.n++] = e;
	hash_add(ms_hash, &e->node, e->pfn);
	spin_unlock(&ms.lock);
	balloon_page_enqueue(&ms.bdev, page);
	ms_inc(MS_balloon_inflated);
	return 0;
}

/*
 * Dequeue one page.  balloon_page_list_dequeue() rather than
 * balloon_page_dequeue(): a page can leave by -ENOENT while isolated, so
 * our count may briefly exceed what the core still lists.
 */
static int ms_deflate_one(void)
{
	struct ms_bpage *e;
	struct page *page;
	LIST_HEAD(pages);

	if (!balloon_page_list_dequeue(&ms.bdev, &pages, 1)) {
		ms_inc(MS_balloon_dequeue_empty);
		return -EAGAIN;
	}
	page = list_first_entry(&pages, struct page, lru);
	list_del(&page->lru);
	spin_lock(&ms.lock);
	e = ms_lookup(page_to_pfn(page));
	if (e)
		ms_untrack(e);
	spin_unlock(&ms.lock);
	kfree(e);
	if (!e)
		ms_inc(MS_balloon_untracked);
	put_page(page);
	ms_inc(MS_balloon_deflated);
	return 0;
}

static unsigned int ms_held(void)
{
	unsigned int n;

	spin_lock(&ms.lock);
	n = ms.n;
	spin_unlock(&ms.lock);
	return n;
}

/*
 * Deflate on OOM, as virtio_balloon does with DEFLATE_ON_OOM: under the
 * pressure test the balloon, not a process, gives way.
 */
static int ms_oom_notify(struct notifier_block *nb, unsigned long dummy,
			 void *parm)
{
	unsigned long *freed = parm;
	unsigned int i;

	for (i = 0; i < 256 && ms_held(); i++) {
		if (ms_deflate_one())
			break;
		ms_inc(MS_oom_deflated);
		(*freed)++;
	}
	return NOTIFY_OK;
}

static struct notifier_block ms_oom_nb = { .notifier_call = ms_oom_notify };

static void ms_worker_setup(void)
{
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = READ_ONCE(stress_fail);
#endif
}

/* Inflate up to the target, deflate down to half of it, and again. */
static int ms_balloon_fn(void *arg)
{
	bool up = true;
	unsigned int i;

	ms_worker_setup();
	while (!kthread_should_stop()) {
		if (up) {
			for (i = 0; i < MS_BATCH && ms_held() < ms.bwant; i++)
				if (ms_inflate_one())
					break;
			if (i < MS_BATCH)
				up = false;
		} else {
			/* One page in a batch is owed by the next migration. */
			if (MV_HAVE_BALLOON_ENOENT && atomic_read(&ms.enoent_req) < 4) {
				atomic_inc(&ms.enoent_req);
				ms_inc(MS_enoent_requested);
			}
			for (i = 0; i < MS_BATCH && ms_held() > ms.bwant / 2; i++)
				if (ms_deflate_one())
					break;
			if (ms_held() <= ms.bwant / 2)
				up = true;
		}
		cond_resched();
		if (!up && i < MS_BATCH)
			usleep_range(500, 1000);
	}
	return 0;
}

static u32 ms_xorshift(u32 *s)
{
	u32 x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

static void ms_fill(u8 *p, u32 id, u32 size)
{
	u32 seed = (id * 0x9e3779b9u) ^ size ^ 0x2545f491u;
	u32 i;

	if (!seed)
		seed = 1;
	for (i = 0; i < size - 4; i++)
		p[i] = ms_xorshift(&seed) >> 24;
	put_unaligned_le32(jhash(p, size - 4, id), p + size - 4);
}

/* Caller holds ms.zlock; @buf is 3 pages: data, expected, bounce. */
static bool ms_zs_check(struct ms_zobj *o, u8 *buf)
{
	u8 *got = buf, *want = buf + PAGE_SIZE;
	bool ok;

	mv_zs_read(ms.pool, o->handle, got, o->size, buf + 2 * PAGE_SIZE);
	ms_fill(want, o->id, o->size);
	ok = !memcmp(got, want, o->size);
	ms_inc(MS_zs_verified);
	if (!ok)
		ms_inc(MS_zs_verify_fail);
	return ok;
}

/* Caller holds ms.zlock. */
static int ms_zs_alloc_one(u8 *buf)
{
	struct ms_zobj *o;
	unsigned long h;
	u32 size;

	size = get_random_u32_inclusive(8, PAGE_SIZE);
	h = mv_zs_malloc(ms.pool, size, MS_ZS_GFP);
	if (IS_ERR_VALUE(h) || !h) {
		ms_inc(MS_zs_alloc_fail);
		return -ENOMEM;
	}
	o = &ms.zobjs[ms.zn++];
	o->handle = h;
	o->size = size;
	o->id = ms.next_id++;
	ms_fill(buf, o->id, size);
	mv_zs_write(ms.pool, h, buf, size);
	ms_inc(MS_zs_allocated);
	return 0;
}

/* Caller holds ms.zlock: verify, free and forget object @i. */
static void ms_zs_free_one(unsigned int i, u8 *buf)
{
	struct ms_zobj *o = &ms.zobjs[i];

	ms_zs_check(o, buf);
	zs_free(ms.pool, o->handle);
	*o = ms.zobjs[--ms.zn];
	memset(&ms.zobjs[ms.zn], 0, sizeof(*o));
	ms_inc(MS_zs_freed);
}

static int ms_zs_fn(void *arg)
{
	u8 *buf = arg;
	bool up = true;
	unsigned int i;

	ms_worker_setup();
	while (!kthread_should_stop()) {
		mutex_lock(&ms.zlock);
		for (i = 0; i < MS_BATCH / 2; i++) {
			if (up && ms.zn >= ms.zwant) {
				up = false;
			} else if (!up && ms.zn <= ms.zwant / 2) {
				up = true;
			} else if (up) {
				if (ms_zs_alloc_one(buf)) {
					up = false;
					break;
				}
			} else {
				ms_zs_free_one(get_random_u32_below(ms.zn), buf);
			}
		}
		mutex_unlock(&ms.zlock);
		cond_resched();
	}
	return 0;
}

static int ms_compact_fn(void *arg)
{
	ms_worker_setup();
	while (!kthread_should_stop()) {
		atomic_long_add(zs_compact(ms.pool), &ms_c[MS_zs_compacted_pages]);
		ms_inc(MS_zs_compact_runs);
		msleep_interruptible(50);
	}
	return 0;
}

/* A random held balloon page's PFN, or 0. */
static unsigned long ms_pick_balloon(void)
{
	unsigned long pfn = 0;

	spin_lock(&ms.lock);
	if (ms.n)
		pfn = ms.pages[get_random_u32_below(ms.n)]->pfn;
	spin_unlock(&ms.lock);
	return pfn;
}

/* The first page of a random held object, or 0. */
static unsigned long ms_pick_zs(void)
{
	unsigned long pfns[2] = { 0, 0 };
	struct ms_zobj *o;

	if (!MV_HAVE_ZS_OBJ_PFNS)
		return 0;
	mutex_lock(&ms.zlock);
	if (ms.zn) {
		o = &ms.zobjs[get_random_u32_below(ms.zn)];
		mv_zs_obj_pfns(ms.pool, o->handle, o->size, pfns);
	}
	mutex_unlock(&ms.zlock);
	return pfns[0];
}

/* Targeted migration of random held pages, balloon and zsmalloc in turn. */
static int ms_migrate_fn(void *arg)
{
	unsigned long pfn, start, nr;
	bool zs = (unsigned long)arg & 1, serial;
	int ret;

	ms_worker_setup();
	while (!kthread_should_stop()) {
		zs = !zs;
		pfn = zs ? ms_pick_zs() : ms_pick_balloon();
		if (!pfn) {
			usleep_range(1000, 2000);
			continue;
		}
		nr = READ_ONCE(stress_block) ? pageblock_nr_pages : 1;
		start = ALIGN_DOWN(pfn, nr);
		ms_inc(zs ? MS_tgt_zs_tries : MS_tgt_balloon_tries);
		serial = READ_ONCE(stress_serialize);
		if (serial)
			mutex_lock(&mv.lock);
		ret = mv_alloc_contig_range(start, start + nr, MS_CONTIG_GFP);
		if (!ret)
			free_contig_range(start, nr);
		if (serial)
			mutex_unlock(&mv.lock);
		if (!ret)
			ms_inc(zs ? MS_tgt_zs_ok : MS_tgt_balloon_ok);
		else if (ret == -EBUSY)
			ms_inc(MS_tgt_ebusy);
		else if (ret == -ENOMEM)
			ms_inc(MS_tgt_enomem);
		else
			ms_inc(MS_tgt_errors);
		cond_resched();
	}
	return 0;
}

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

static void *ms_zbuf;

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
	if (stress_balloon_pages > ms.cap || stress_zs_objects > ms.zcap)
		return -ENOSPC;
	for (i = 0; i < MS_NR; i++)
		atomic_long_set(&ms_c[i], 0);
	ms.bwant = stress_balloon_pages;
	ms.zwant = stress_zs_objects;
	ms.t_start = ktime_get_ns();
	ms.t_stop = 0;
	ms.running = true;
	ret = ms_add_thread(ms_balloon_fn, NULL, "balloon", 0);
	if (!ret)
		ret = ms_add_thread(ms_zs_fn, ms_zbuf, "zs", 0);
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
	unsigned int tries = 0;

	while (ms_held() && tries < MS_DRAIN_TRIES) {
		if (ms_deflate_one()) {
			tries++;
			usleep_range(200, 1000);
			continue;
		}
		ms_inc(MS_drained_balloon);
		cond_resched();
	}
	atomic_long_add(ms_held(), &ms_c[MS_drain_stuck]);
	mutex_lock(&ms.zlock);
	while (ms.zn) {
		ms_zs_free_one(ms.zn - 1, ms_zbuf);
		ms_inc(MS_drained_zs);
		cond_resched();
	}
	mutex_unlock(&ms.zlock);
}

static unsigned int ms_verify_all(void)
{
	unsigned int i, bad = 0;

	mutex_lock(&ms.zlock);
	for (i = 0; i < ms.zn; i++) {
		if (!ms_zs_check(&ms.zobjs[i], ms_zbuf))
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
	seq_printf(m, "balloon_isolated %lu\n", READ_ONCE(ms.bdev.isolated_pages));
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
	balloon_devinfo_init(&ms.bdev);
	ms.bdev.migratepage = ms_migratepage;
	/* Room for all of RAM: the pressure test aims past what is free. */
	ms.cap = totalram_pages();
	ms.zcap = ms.cap;
	ms.pages = kvcalloc(ms.cap, sizeof(*ms.pages), GFP_KERNEL);
	ms.zobjs = kvcalloc(ms.zcap, sizeof(*ms.zobjs), GFP_KERNEL);
	ms_zbuf = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	ms.pool = zs_create_pool("movops_stress");
	if (!ms.pages || !ms.zobjs || !ms_zbuf || !ms.pool) {
		struct mv_left left = {};

		mv_stress_exit(&left);
		return -ENOMEM;
	}
	register_oom_notifier(&ms_oom_nb);
	debugfs_create_file("stress", 0600, dir, NULL, &ms_fops);
	return 0;
}

static int ms_release_one(void)
{
	int ret = ms_deflate_one();

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
		mv_balloon_unload_drain(&ms.bdev, "stress balloon", ms_held,
					ms_release_one);
		left->stress = ms_held();
		left->isolated += READ_ONCE(ms.bdev.isolated_pages);
		pr_info("movops: stress unload: drained balloon %ld zs %ld, stuck %ld, untracked %ld, verify_fail %ld, pool pages %lu\n",
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
	kfree(ms_zbuf);
	ms_zbuf = NULL;
	kvfree(ms.zobjs);
	ms.zobjs = NULL;
	kvfree(ms.pages);
	ms.pages = NULL;
}
