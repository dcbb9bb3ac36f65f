// SPDX-License-Identifier: GPL-2.0
/*
 * stress_work.c - the stress mode's own balloon device and zsmalloc pool,
 * and the kthreads that churn them and migrate their pages: books are
 * kept so that nothing is lost (stress.c has the interface).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hashtable.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/oom.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "stress.h"

/* Pages deflated per OOM notification at most. */
#define MS_OOM_BATCH	256
/* Deflate requests (-ENOENT) owed to the migrations at most. */
#define MS_ENOENT_MAX	4

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

struct ms_state ms;
atomic_long_t ms_c[MS_NR];
static DEFINE_HASHTABLE(ms_hash, MS_HASH_BITS);

/* Caller holds ms.lock. */
static struct ms_bpage *ms_lookup(unsigned long pfn)
{
	struct mv_tpage *t = mv_tballoon_lookup(&ms.bdev, pfn);

	return t ? container_of(t, struct ms_bpage, t) : NULL;
}

/* Caller holds ms.lock. */
static void ms_untrack(struct ms_bpage *e)
{
	struct ms_bpage *last = ms.pages[--ms.n];

	mv_tballoon_forget(&ms.bdev, &e->t);
	ms.pages[e->idx] = last;
	last->idx = e->idx;
	ms.pages[ms.n] = NULL;
}

/*
 * Our answer to the driver callback (lib/balloon.c), under ms.lock.  A
 * pending deflate request is served here, the way vmw_balloon deflates a
 * page the host wants back while it is isolated: -ENOENT, and the balloon
 * core frees the page.
 */
static int ms_answer(struct mv_tballoon *tb, struct mv_tpage *t,
		     struct page *page, struct page *newpage)
{
	struct ms_bpage *e;

	ms_inc(MS_balloon_callback_calls);
	if (!t) {
		ms_inc(MS_balloon_callback_foreign);
		return -EAGAIN;
	}
	e = container_of(t, struct ms_bpage, t);
	if (MV_HAVE_BALLOON_ENOENT && atomic_dec_if_positive(&ms.enoent_req) >= 0) {
		ms_untrack(e);
		kfree(e);
		ms_inc(MS_balloon_enoent);
		return -ENOENT;
	}
	ms_inc(MS_balloon_callback_migrated);
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
	/* Tracked before it is enqueued: it can migrate at once. */
	spin_lock(&ms.lock);
	e->idx = ms.n;
	ms.pages[ms.n++] = e;
	mv_tballoon_track(&ms.bdev, &e->t, page_to_pfn(page));
	spin_unlock(&ms.lock);
	balloon_page_enqueue(&ms.bdev.b, page);
	ms_inc(MS_balloon_inflated);
	return 0;
}

static unsigned int ms_tb_held(struct mv_tballoon *tb)
{
	return ms_held();
}

/*
 * Dequeue one page, waiting up to @waits times for one that a migration
 * holds isolated (mv_tballoon_dequeue(): a page can also leave by -ENOENT
 * while isolated, so our count may briefly exceed what the core lists).
 */
int ms_deflate_one(unsigned int waits)
{
	unsigned int waited;
	struct ms_bpage *e;
	struct page *page;
	LIST_HEAD(pages);
	size_t got;

	got = mv_tballoon_dequeue(&ms.bdev, &pages, 1, waits, ms_tb_held,
				  &waited);
	atomic_long_add(waited + !got, &ms_c[MS_balloon_dequeue_empty]);
	if (!got)
		return -EAGAIN;
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

unsigned int ms_held(void)
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

	for (i = 0; i < MS_OOM_BATCH && ms_held(); i++) {
		if (ms_deflate_one(0))
			break;
		ms_inc(MS_oom_deflated);
		(*freed)++;
	}
	return NOTIFY_OK;
}

struct notifier_block ms_oom_nb = { .notifier_call = ms_oom_notify };

/*
 * After each round: does this worker's per-CPU base name the CPU it runs
 * on (mv_percpu_base_off())?  Counted, and said once in a while.
 */
static void ms_check_cpu(struct task_struct *me, const char *after)
{
	int base = mv_percpu_base_off(me);

	if (base < 0)
		return;
	ms_inc(MS_cpu_identity_lost);
	pr_warn_ratelimited("stress: %s/%d runs on CPU %u, its per-CPU base says CPU %d (after %s)\n",
			    me->comm, me->pid, task_cpu(me), base, after);
}

static void ms_worker_setup(void)
{
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = READ_ONCE(stress_fail);
#endif
}

/* Inflate up to the target, deflate down to half of it, and again. */
int ms_balloon_fn(void *arg)
{
	struct task_struct *me = current;
	bool up = true;
	unsigned int i;

	ms_worker_setup();
	while (!kthread_should_stop()) {
		ms_check_cpu(me, "inflate/deflate");
		if (up) {
			for (i = 0; i < MS_BATCH && ms_held() < ms.bwant; i++)
				if (ms_inflate_one())
					break;
			if (i < MS_BATCH)
				up = false;
		} else {
			/* One page in a batch is owed by the next migration. */
			if (MV_HAVE_BALLOON_ENOENT &&
			    atomic_read(&ms.enoent_req) < MS_ENOENT_MAX) {
				atomic_inc(&ms.enoent_req);
				ms_inc(MS_enoent_requested);
			}
			for (i = 0; i < MS_BATCH && ms_held() > ms.bwant / 2; i++)
				if (ms_deflate_one(0))
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

/* Caller holds ms.zlock; @buf is 3 pages: data, expected, bounce. */
bool ms_zs_check(struct ms_zobj *o, u8 *buf)
{
	u8 *got = buf, *want = buf + PAGE_SIZE;
	bool ok;

	mv_zs_read(ms.pool, o->handle, got, o->size, buf + 2 * PAGE_SIZE);
	ok = mv_pattern_ok(got, o->id, o->size, want);
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

	size = get_random_u32_inclusive(MV_PATTERN_MIN, PAGE_SIZE);
	h = mv_zs_malloc(ms.pool, size, MS_ZS_GFP);
	if (IS_ERR_VALUE(h) || !h) {
		ms_inc(MS_zs_alloc_fail);
		return -ENOMEM;
	}
	o = &ms.zobjs[ms.zn++];
	o->handle = h;
	o->size = size;
	o->id = ms.next_id++;
	mv_pattern_fill(buf, o->id, size);
	mv_zs_write(ms.pool, h, buf, size);
	ms_inc(MS_zs_allocated);
	return 0;
}

/* Caller holds ms.zlock: verify, free and forget object @i. */
void ms_zs_free_one(unsigned int i, u8 *buf)
{
	struct ms_zobj *o = &ms.zobjs[i];

	ms_zs_check(o, buf);
	zs_free(ms.pool, o->handle);
	*o = ms.zobjs[--ms.zn];
	memset(&ms.zobjs[ms.zn], 0, sizeof(*o));
	ms_inc(MS_zs_freed);
}

int ms_zs_fn(void *arg)
{
	struct task_struct *me = current;
	u8 *buf = arg;
	bool up = true;
	unsigned int i;

	ms_worker_setup();
	while (!kthread_should_stop()) {
		ms_check_cpu(me, "zs alloc/free");
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

int ms_compact_fn(void *arg)
{
	struct task_struct *me = current;

	ms_worker_setup();
	while (!kthread_should_stop()) {
		atomic_long_add(zs_compact(ms.pool), &ms_c[MS_zs_compacted_pages]);
		ms_check_cpu(me, "zs_compact");
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
		pfn = ms.pages[get_random_u32_below(ms.n)]->t.pfn;
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
int ms_migrate_fn(void *arg)
{
	unsigned long pfn, start, nr;
	bool zs = (unsigned long)arg & 1, serial;
	struct task_struct *me = current;
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
		ret = mv_take_range(start, nr, GFP_KERNEL | __GFP_NOWARN);
		if (serial)
			mutex_unlock(&mv.lock);
		ms_check_cpu(me, "alloc_contig_range");
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

void ms_balloon_init(void)
{
	mv_tballoon_init(&ms.bdev, &ms.lock, ms_hash, MS_HASH_BITS, ms_answer);
}
