// SPDX-License-Identifier: GPL-2.0
/*
 * balloon.c - a balloon device of movops' own: inflate, deflate, and the
 * driver's migratepage callback, with every page tracked by PFN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "movops.h"

DEFINE_HASHTABLE(mv_bhash, MV_BHASH_BITS);

/* Give an isolated page this many waits to come back before giving up. */
#define MV_DEQUEUE_TRIES	5000
/*
 * Unloading waits this long for our pages to come back from migrations in
 * flight, saying so every MV_UNLOAD_MSG_MS; past it the module stays (see
 * mv_balloon_unload_drain()).
 */
#define MV_UNLOAD_WAIT_MS	20000
#define MV_UNLOAD_MSG_MS	2000

/* Caller holds mv.track_lock. */
struct mv_bpage *mv_bpage_lookup(unsigned long pfn)
{
	struct mv_tpage *t = mv_tballoon_lookup(&mv.bdev, pfn);

	return t ? container_of(t, struct mv_bpage, t) : NULL;
}

unsigned long mv_bpage_pfn(struct mv_bpage *e, unsigned int *moves)
{
	unsigned long pfn;

	spin_lock(&mv.track_lock);
	pfn = e->t.pfn;
	if (moves)
		*moves = e->t.moves;
	spin_unlock(&mv.track_lock);
	return pfn;
}

/*
 * Our answer to the driver callback (lib/balloon.c), under mv.track_lock,
 * for a page of either of our devices (they share mv_bhash): refuse a page
 * we do not know, and every page while balloon_fail is injected.
 */
static int mv_answer(struct mv_tballoon *tb, struct mv_tpage *t,
		     struct page *page, struct page *newpage)
{
	mv_inc(MV_C_balloon_callback_calls);
	if (!PageOffline(page) || !mv_page_has_movable_ops(page))
		mv_inc(MV_C_balloon_callback_bad_src);
	if (!t) {
		mv_inc(MV_C_balloon_callback_foreign);
		return -EAGAIN;
	}
	if (READ_ONCE(mv.inject) == MV_INJECT_BALLOON_FAIL) {
		mv_inc(MV_C_balloon_callback_refused);
		return -EAGAIN;
	}
	return 0;
}

/* Caller holds mv.lock.  Must run before the page becomes movable. */
int mv_balloon_track(struct page *page, bool ctl, struct mv_bpage *e)
{
	e->snap_pfn = page_to_pfn(page);
	e->t.moves = 0;
	e->snap_moves = 0;
	e->ctl = ctl;
	spin_lock(&mv.track_lock);
	mv_tballoon_track(ctl ? &mv.ctl_bdev : &mv.bdev, &e->t, e->snap_pfn);
	if (!ctl) {
		e->idx = mv.bheld;
		mv.bpages[mv.bheld++] = e;
	} else {
		mv.ctl_held++;
	}
	spin_unlock(&mv.track_lock);
	return 0;
}

/* Caller holds mv.lock; the page is no longer in the balloon. */
void mv_balloon_untrack(struct mv_bpage *e)
{
	struct mv_bpage *last;

	spin_lock(&mv.track_lock);
	mv_tballoon_forget(&mv.bdev, &e->t);
	if (!e->ctl) {
		last = mv.bpages[--mv.bheld];
		mv.bpages[e->idx] = last;
		last->idx = e->idx;
		mv.bpages[mv.bheld] = NULL;
	} else {
		mv.ctl_held--;
	}
	spin_unlock(&mv.track_lock);
}

/* Pages of @dev by our records: listed or isolated for a migration. */
static unsigned int mv_dev_held(struct mv_tballoon *dev)
{
	unsigned int n;

	spin_lock(&mv.track_lock);
	n = dev == &mv.ctl_bdev ? mv.ctl_held : mv.bheld;
	spin_unlock(&mv.track_lock);
	return n;
}

static void mv_free_page_list(struct list_head *pages)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

/* Enqueue a list of fresh pages, tracking each first. */
static void mv_enqueue_list(struct list_head *pages, struct mv_bpage **ents)
{
	struct page *page, *tmp;
	unsigned int i = 0;

	list_for_each_entry_safe(page, tmp, pages, lru) {
		list_del(&page->lru);
		mv_balloon_track(page, false, ents[i++]);
		balloon_page_enqueue(&mv.bdev.b, page);
	}
}

static struct mv_bpage **mv_alloc_entries(unsigned int n)
{
	struct mv_bpage **ents;
	unsigned int i;

	ents = kvcalloc(n, sizeof(*ents), GFP_KERNEL);
	if (!ents)
		return NULL;
	for (i = 0; i < n; i++) {
		ents[i] = kzalloc_obj(*ents[i], GFP_KERNEL);
		if (!ents[i])
			goto fail;
	}
	return ents;
fail:
	while (i--)
		kfree(ents[i]);
	kvfree(ents);
	return NULL;
}

static void mv_free_entries(struct mv_bpage **ents, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		kfree(ents[i]);
	kvfree(ents);
}

/*
 * Inflate n pages the way real drivers do: balloon_page_alloc() then
 * balloon_page_enqueue().  All or nothing: on allocation failure every
 * page taken by this call is given back and -ENOMEM returned.
 */
int mv_inflate(unsigned int n)
{
	struct mv_bpage **ents;
	struct page *page;
	LIST_HEAD(pages);
	unsigned int i;

	if (!n)
		return -EINVAL;
	if (n > mv.bcap - mv.bheld)
		return -ENOSPC;
	ents = mv_alloc_entries(n);
	if (!ents)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		page = balloon_page_alloc();
		if (!page) {
			mv_free_page_list(&pages);
			mv_free_entries(ents, n);
			return -ENOMEM;
		}
		list_add_tail(&page->lru, &pages);
		cond_resched();
	}
	mv_enqueue_list(&pages, ents);
	kvfree(ents);
	mv_add(MV_C_balloon_inflated, n);
	return 0;
}

/*
 * Inflate n pages taken from ranges that alloc_contig_pages() could
 * isolate, a pageblock at a time, so that every page sits in a pageblock
 * without reserved or unmovable pages.  All or nothing, like mv_inflate().
 */
int mv_inflate_contig(unsigned int n)
{
	unsigned int done = 0, chunk, want, i;
	struct mv_bpage **ents;
	struct page *page;
	LIST_HEAD(pages);
	unsigned long pfn;

	if (!n)
		return -EINVAL;
	if (n > mv.bcap - mv.bheld)
		return -ENOSPC;
	ents = mv_alloc_entries(n);
	if (!ents)
		return -ENOMEM;
	while (done < n) {
		chunk = min_t(unsigned int, n - done, pageblock_nr_pages);
		want = roundup_pow_of_two(chunk);
		page = mv_alloc_contig_pages(want, GFP_HIGHUSER_MOVABLE |
					     __GFP_NOWARN, numa_mem_id());
		if (!page) {
			mv_free_page_list(&pages);
			mv_free_entries(ents, n);
			return -ENOMEM;
		}
		pfn = page_to_pfn(page);
		if (want > chunk)
			free_contig_range(pfn + chunk, want - chunk);
		for (i = 0; i < chunk; i++)
			list_add_tail(&pfn_to_page(pfn + i)->lru, &pages);
		done += chunk;
		cond_resched();
	}
	mv_enqueue_list(&pages, ents);
	kvfree(ents);
	mv_add(MV_C_balloon_inflated, n);
	mv_add(MV_C_balloon_inflated_contig, n);
	return 0;
}

/*
 * Dequeue one page from @dev, waiting for one that is isolated for a
 * migration in flight (mv_tballoon_dequeue()); whether @dev still holds a
 * page is our records' to say.  NULL if our records say it holds none, or
 * every held page stayed isolated for the whole wait.
 */
static struct page *mv_dequeue_one(struct mv_tballoon *dev)
{
	struct page *page;
	unsigned int waited;
	LIST_HEAD(pages);
	size_t got;

	got = mv_tballoon_dequeue(dev, &pages, 1, MV_DEQUEUE_TRIES,
				  mv_dev_held, &waited);
	mv_add(MV_C_balloon_dequeue_retries, waited);
	if (got) {
		/* Off @pages here: the list head dies with this frame. */
		page = list_first_entry(&pages, struct page, lru);
		list_del(&page->lru);
		return page;
	}
	if (!mv_dev_held(dev))
		mv_inc(MV_C_balloon_errors);
	return NULL;
}

/* Dequeue one page from @dev, untrack and free it. */
int mv_release_one(struct mv_tballoon *dev)
{
	struct mv_bpage *e;
	struct page *page;

	page = mv_dequeue_one(dev);
	if (!page)
		return -EAGAIN;
	spin_lock(&mv.track_lock);
	e = mv_bpage_lookup(page_to_pfn(page));
	spin_unlock(&mv.track_lock);
	if (e) {
		mv_balloon_untrack(e);
		kfree(e);
	} else {
		/* A page we never tracked came out of our balloon. */
		mv_inc(MV_C_balloon_errors);
	}
	put_page(page);
	return e ? 0 : -EIO;
}

int mv_deflate(unsigned int n)
{
	unsigned int i;
	int ret;

	if (!n || n > mv.bheld)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		ret = mv_release_one(&mv.bdev);
		if (ret)
			return ret;
		mv_inc(MV_C_balloon_deflated);
		cond_resched();
	}
	return 0;
}

int mv_balloon_init(void)
{
	mv_tballoon_init(&mv.bdev, &mv.track_lock, mv_bhash, MV_BHASH_BITS,
			 mv_answer);
	mv_tballoon_init(&mv.ctl_bdev, &mv.track_lock, mv_bhash, MV_BHASH_BITS,
			 mv_answer);
	mv.bpages = kvcalloc(mv.bcap, sizeof(*mv.bpages), GFP_KERNEL);
	return mv.bpages ? 0 : -ENOMEM;
}

/*
 * Unloading: wait until no page points at @dev any more, however long a
 * migration in flight keeps one isolated.  A page left in a balloon keeps
 * the device pointer (page->private), and the next compaction that isolates
 * it calls into the device and its migratepage callback: freed memory once
 * the module is gone.
 *
 * @held: our records of @dev's pages (listed or isolated), @release:
 * dequeue and free one, 0 if one came out.  Done when our records say none,
 * @dev->isolated_pages is 0 (with nothing listed nothing new can be
 * isolated, so it only falls; the -ENOENT path decrements it after our
 * callback has forgotten the page) and a dequeue under the core's own lock
 * finds nothing listed (it also waits out the core's last locked section
 * on @dev).  Waits MV_UNLOAD_WAIT_MS saying so; past that, WARNs and keeps
 * waiting: the module then stays (rmmod does not return) rather than free
 * a device that pages still point at.
 */
void mv_balloon_unload_drain(struct balloon_dev_info *dev, const char *name,
			     unsigned int (*held)(void), int (*release)(void))
{
	unsigned long start = jiffies, next_msg;
	bool pinned = false;
	unsigned int n;
	LIST_HEAD(pages);
	struct page *page;

	next_msg = start + msecs_to_jiffies(MV_UNLOAD_MSG_MS);
	for (;;) {
		n = held();
		if (n && !release())
			continue;
		if (!n && !READ_ONCE(dev->isolated_pages)) {
			if (!balloon_page_list_dequeue(dev, &pages, 1))
				break;
			/* Listed but not in our records: free it, say so. */
			page = list_first_entry(&pages, struct page, lru);
			list_del(&page->lru);
			pr_err("unload: %s: untracked page %#lx was still listed\n",
			       name, page_to_pfn(page));
			mv_inc(MV_C_balloon_errors);
			put_page(page);
			continue;
		}
		if (time_after(jiffies, next_msg)) {
			next_msg = jiffies + msecs_to_jiffies(MV_UNLOAD_MSG_MS);
			if (!pinned && time_after(jiffies, start +
						  msecs_to_jiffies(MV_UNLOAD_WAIT_MS))) {
				pinned = true;
				WARN(1, "movops: unload: %s: %u pages (%lu isolated) still point at the device after %u ms: movops stays loaded rather than free it\n",
				     name, n, READ_ONCE(dev->isolated_pages),
				     MV_UNLOAD_WAIT_MS);
			} else {
				pr_warn("unload: %s: waiting for %u pages (%lu isolated)%s\n",
					name, n, READ_ONCE(dev->isolated_pages),
					pinned ? ", module kept loaded" : "");
			}
		}
		usleep_range(1000, 2000);
	}
	if (time_after(jiffies, start + msecs_to_jiffies(MV_UNLOAD_MSG_MS)) || pinned)
		pr_info("unload: %s: empty after %u ms\n", name,
			jiffies_to_msecs(jiffies - start));
}

static unsigned int mv_bdev_held(void)
{
	return mv_dev_held(&mv.bdev);
}

static unsigned int mv_ctl_held(void)
{
	return mv_dev_held(&mv.ctl_bdev);
}

static int mv_bdev_release(void)
{
	int ret = mv_release_one(&mv.bdev);

	if (!ret)
		mv_inc(MV_C_balloon_deflated);
	return ret == -EIO ? 0 : ret;	/* an untracked page still came out */
}

static int mv_ctl_release(void)
{
	int ret = mv_release_one(&mv.ctl_bdev);

	return ret == -EIO ? 0 : ret;
}

/*
 * Caller holds mv.lock.  Both devices, the nonmovable test's control too.
 * Our pages of each device left after its drain (our records, read apart
 * from the drain, so a drain that stopped early or never ran shows) go to
 * @left: the unload line reports them, a check requires 0.
 */
void mv_balloon_exit(struct mv_left *left)
{
	if (mv.bpages)
		mv_balloon_unload_drain(&mv.bdev.b, "balloon", mv_bdev_held,
					mv_bdev_release);
	mv_balloon_unload_drain(&mv.ctl_bdev.b, "control balloon", mv_ctl_held,
				mv_ctl_release);
	left->balloon = mv_bdev_held();
	left->control = mv_ctl_held();
	left->isolated = READ_ONCE(mv.bdev.b.isolated_pages) +
			 READ_ONCE(mv.ctl_bdev.b.isolated_pages);
	kvfree(mv.bpages);
	mv.bpages = NULL;
}
